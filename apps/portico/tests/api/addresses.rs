use serde_json::{Value, json};

use crate::support::{TestApp, on_both_engines};

fn address(city: &str) -> Value {
    json!({
        "line1": "Bahnhofstrasse 1",
        "city": city,
        "postal_code": "8001",
        "country": "ch",
    })
}

async fn default_cities(app: &TestApp, token: &str) -> Vec<String> {
    app.get("/v1/me/addresses", token).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["default_billing"] == true)
        .map(|a| a["city"].as_str().unwrap().to_owned())
        .collect()
}

async fn exactly_one_address_is_the_default_billing_address(app: &TestApp) {
    let token = app.signed_up("ada").await;

    let first = app
        .post("/v1/me/addresses", Some(&token), address("Zürich"))
        .await;
    first.expect(201);
    assert_eq!(first.json()["country"], "CH");
    assert_eq!(
        first.json()["default_billing"],
        true,
        "the first address is the default"
    );
    let second = app
        .post("/v1/me/addresses", Some(&token), address("Basel"))
        .await
        .json();
    assert_eq!(default_cities(app, &token).await, vec!["Zürich"]);

    let second_path = format!("/v1/me/addresses/{}", second["id"].as_str().unwrap());
    app.patch(&second_path, &token, json!({ "default_billing": true }))
        .await
        .expect(200);
    assert_eq!(default_cities(app, &token).await, vec!["Basel"]);

    app.patch(&second_path, &token, json!({ "default_billing": false }))
        .await
        .expect_problem(409, "default-address-required");

    app.delete(&second_path, &token).await.expect(204);
    assert_eq!(default_cities(app, &token).await, vec!["Zürich"]);
}
on_both_engines!(
    default_billing,
    super::exactly_one_address_is_the_default_billing_address
);

async fn an_address_is_edited_and_optional_lines_cleared(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let mut body = address("Zürich");
    body["line2"] = json!("c/o Babbage");
    body["region"] = json!("ZH");
    let created = app
        .post("/v1/me/addresses", Some(&token), body)
        .await
        .json();
    let path = format!("/v1/me/addresses/{}", created["id"].as_str().unwrap());

    let edited = app
        .patch(
            &path,
            &token,
            json!({ "line2": null, "postal_code": "8002", "country": "DE" }),
        )
        .await;
    edited.expect(200);
    let edited = edited.json();
    assert!(edited.get("line2").is_none());
    assert_eq!(edited["region"], "ZH");
    assert_eq!(edited["postal_code"], "8002");
    assert_eq!(edited["country"], "DE");
}
on_both_engines!(edit, super::an_address_is_edited_and_optional_lines_cleared);

async fn invalid_addresses_name_their_fields_and_store_nothing(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let mut unknown_country = address("Zürich");
    unknown_country["country"] = json!("XX");
    app.post("/v1/me/addresses", Some(&token), unknown_country)
        .await
        .expect_invalid_fields(&["country"]);
    app.post(
        "/v1/me/addresses",
        Some(&token),
        json!({ "line1": "", "city": "Zürich", "postal_code": "80;01", "country": "Switzerland" }),
    )
    .await
    .expect_invalid_fields(&["line1", "postal_code", "country"]);
    assert!(
        app.get("/v1/me/addresses", &token).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
on_both_engines!(
    invalid,
    super::invalid_addresses_name_their_fields_and_store_nothing
);

async fn another_accounts_address_is_404_and_unchanged(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let mallory = app.signed_up("mallory").await;
    let created = app
        .post("/v1/me/addresses", Some(&ada), address("Zürich"))
        .await
        .json();
    let path = format!("/v1/me/addresses/{}", created["id"].as_str().unwrap());

    app.patch(&path, &mallory, json!({ "city": "Nowhere" }))
        .await
        .expect_problem(404, "not-found");
    app.delete(&path, &mallory)
        .await
        .expect_problem(404, "not-found");

    assert_eq!(default_cities(app, &ada).await, vec!["Zürich"]);
}
on_both_engines!(
    cross_account,
    super::another_accounts_address_is_404_and_unchanged
);
