//! Restarting the server loses nothing: a second router over the same database sees
//! everything the first one wrote.

use poem::http::Method;
use portico_sea_orm::Database;
use portico_sea_orm::testing::{Engine, TestDatabase};
use serde_json::json;

use crate::support::{PASSWORD, build, registration, send, test_clock};

async fn data_survives_a_restart(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let token = {
        let (first, _) = build(
            test_db.database().clone(),
            test_clock(),
            "smtp://127.0.0.1:9",
        );
        send(
            &first,
            Method::POST,
            "/v1/accounts",
            None,
            Some(registration("ada")),
        )
        .await
        .expect(201);
        let login = send(
            &first,
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "login": "ada", "password": PASSWORD })),
        )
        .await;
        let token = login.json()["token"].as_str().unwrap().to_owned();
        send(
            &first,
            Method::POST,
            "/v1/me/phones",
            Some(&token),
            Some(json!({ "number": "+41446681800" })),
        )
        .await
        .expect(201);
        token
    };

    // A new pool and a new router, as after a restart; migrations run again harmlessly.
    let reopened = Database::connect(test_db.url()).await.unwrap();
    reopened.migrate().await.unwrap();
    let (second, _) = build(reopened.clone(), test_clock(), "smtp://127.0.0.1:9");
    let phones = send(&second, Method::GET, "/v1/me/phones", Some(&token), None).await;
    phones.expect(200);
    assert_eq!(phones.json()["items"][0]["number"], "+41446681800");
    send(
        &second,
        Method::POST,
        "/v1/sessions",
        None,
        Some(json!({ "login": "ada@example.com", "password": PASSWORD })),
    )
    .await
    .expect(201);
    reopened.connection().close().await.unwrap();
    test_db.finish().await.unwrap();
}

#[tokio::test]
async fn restart_on_a_sqlite_file() {
    data_survives_a_restart(Engine::SqliteFile).await;
}

#[tokio::test]
async fn restart_on_postgres() {
    data_survives_a_restart(Engine::Postgres).await;
}
