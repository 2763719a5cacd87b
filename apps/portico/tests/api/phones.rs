use serde_json::json;

use crate::support::{TestApp, on_both_engines};

async fn phones_are_added_normalized_edited_and_removed(app: &TestApp) {
    let token = app.signed_up("ada").await;

    let added = app
        .post(
            "/v1/me/phones",
            Some(&token),
            json!({ "number": "+41 44 668 18 00", "label": "office" }),
        )
        .await;
    added.expect(201);
    let phone = added.json();
    assert_eq!(phone["number"], "+41446681800");
    let id = phone["id"].as_str().unwrap();

    let edited = app
        .patch(
            &format!("/v1/me/phones/{id}"),
            &token,
            json!({ "label": null }),
        )
        .await;
    edited.expect(200);
    assert_eq!(edited.json()["number"], "+41446681800");
    assert!(edited.json().get("label").is_none());

    let list = app.get("/v1/me/phones", &token).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    app.delete(&format!("/v1/me/phones/{id}"), &token)
        .await
        .expect(204);
    let list = app.get("/v1/me/phones", &token).await.json();
    assert!(list["items"].as_array().unwrap().is_empty());
}
on_both_engines!(
    lifecycle,
    super::phones_are_added_normalized_edited_and_removed
);

async fn invalid_and_duplicate_numbers_are_refused(app: &TestApp) {
    let token = app.signed_up("ada").await;
    for (number, field) in [
        ("044 668 18 00", "number"),
        ("+41 12", "number"),
        ("call me", "number"),
    ] {
        app.post("/v1/me/phones", Some(&token), json!({ "number": number }))
            .await
            .expect_invalid_fields(&[field]);
    }
    app.post(
        "/v1/me/phones",
        Some(&token),
        json!({ "number": "+41446681800" }),
    )
    .await
    .expect(201);
    app.post(
        "/v1/me/phones",
        Some(&token),
        json!({ "number": "+41 44 668 18 00" }),
    )
    .await
    .expect_problem(409, "phone-exists");
    let list = app.get("/v1/me/phones", &token).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
on_both_engines!(invalid, super::invalid_and_duplicate_numbers_are_refused);

async fn another_accounts_phone_is_404_and_unchanged(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let mallory = app.signed_up("mallory").await;
    let phone = app
        .post(
            "/v1/me/phones",
            Some(&ada),
            json!({ "number": "+16502530000", "label": "mobile" }),
        )
        .await
        .json();
    let path = format!("/v1/me/phones/{}", phone["id"].as_str().unwrap());

    app.patch(&path, &mallory, json!({ "label": "pwned" }))
        .await
        .expect_problem(404, "not-found");
    app.delete(&path, &mallory)
        .await
        .expect_problem(404, "not-found");
    assert!(
        app.get("/v1/me/phones", &mallory).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let list = app.get("/v1/me/phones", &ada).await.json();
    assert_eq!(list["items"][0]["label"], "mobile");
}
on_both_engines!(
    cross_account,
    super::another_accounts_phone_is_404_and_unchanged
);
