use serde_json::json;

use crate::support::{TestApp, on_both_engines};

async fn company_details_are_set_checked_and_removed(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.get("/v1/me/company", &token)
        .await
        .expect_problem(404, "not-found");

    let set = app
        .put(
            "/v1/me/company",
            &token,
            json!({ "name": "Analytical Engines GmbH", "tax_id": "de 123 456 789" }),
        )
        .await;
    set.expect(200);
    assert_eq!(set.json()["tax_id"], "DE123456789");

    app.put(
        "/v1/me/company",
        &token,
        json!({ "name": "Analytical Engines GmbH", "tax_id": "DE12345" }),
    )
    .await
    .expect_invalid_fields(&["tax_id"]);
    app.put(
        "/v1/me/company",
        &token,
        json!({ "name": "", "tax_id": "NL123456789" }),
    )
    .await
    .expect_invalid_fields(&["name", "tax_id"]);
    let stored = app.get("/v1/me/company", &token).await.json();
    assert_eq!(
        stored["tax_id"], "DE123456789",
        "refused changes changed nothing"
    );

    app.put("/v1/me/company", &token, json!({ "name": "Engines Inc." }))
        .await
        .expect(200);
    assert!(
        app.get("/v1/me/company", &token)
            .await
            .json()
            .get("tax_id")
            .is_none()
    );

    app.delete("/v1/me/company", &token).await.expect(204);
    app.get("/v1/me/company", &token)
        .await
        .expect_problem(404, "not-found");
    app.delete("/v1/me/company", &token)
        .await
        .expect_problem(404, "not-found");
}
on_both_engines!(
    lifecycle,
    super::company_details_are_set_checked_and_removed
);

async fn company_details_belong_to_their_account(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let grace = app.signed_up("grace").await;
    app.put(
        "/v1/me/company",
        &ada,
        json!({ "name": "Ada Ltd", "tax_id": "GB123456789" }),
    )
    .await
    .expect(200);

    app.get("/v1/me/company", &grace)
        .await
        .expect_problem(404, "not-found");
    app.delete("/v1/me/company", &grace)
        .await
        .expect_problem(404, "not-found");
    app.get("/v1/me/company", &ada).await.expect(200);
}
on_both_engines!(ownership, super::company_details_belong_to_their_account);
