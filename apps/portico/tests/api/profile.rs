use serde_json::json;

use crate::support::{TestApp, on_both_engines};

async fn the_profile_is_edited_field_by_field(app: &TestApp) {
    let token = app.signed_up("ada").await;

    let reply = app
        .patch(
            "/v1/me/profile",
            &token,
            json!({ "language": "PT-br", "first_name": "Augusta" }),
        )
        .await;
    reply.expect(200);
    let profile = app.get("/v1/me/profile", &token).await.json();
    assert_eq!(profile["language"], "pt-BR");
    assert_eq!(profile["first_name"], "Augusta");
    assert_eq!(profile["last_name"], "Lovelace");
    assert_eq!(profile["username"], "ada");
}
on_both_engines!(edit, super::the_profile_is_edited_field_by_field);

async fn invalid_or_empty_profile_changes_change_nothing(app: &TestApp) {
    let token = app.signed_up("ada").await;

    app.patch(
        "/v1/me/profile",
        &token,
        json!({ "language": "klingon!", "first_name": "Grace" }),
    )
    .await
    .expect_invalid_fields(&["language"]);
    app.patch("/v1/me/profile", &token, json!({}))
        .await
        .expect_problem(422, "empty-update");
    app.patch("/v1/me/profile", &token, json!({ "username": "hacker" }))
        .await
        .expect_invalid_fields(&["username"]);

    let profile = app.get("/v1/me/profile", &token).await.json();
    assert_eq!(profile["first_name"], "Ada");
    assert_eq!(profile["language"], "en");
    assert_eq!(profile["username"], "ada");
}
on_both_engines!(
    invalid,
    super::invalid_or_empty_profile_changes_change_nothing
);
