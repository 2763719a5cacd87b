//! Security changes take effect on the very next request, whichever kept-alive
//! connection (and, on a SQLite file, whichever read-only database connection) serves
//! it: nothing about a session is cached past the statement that authenticates it.

use portico_sea_orm::testing::Engine;
use serde_json::json;

use crate::live::{KeptConnection, LiveServer};
use crate::support::{PASSWORD, TestApp};

/// Kept-alive connections per client address: each has served the session before
/// the change, so nothing kept per connection may outlive it.
const CONNECTIONS: usize = 4;
/// The owner's address.
const HERE: &str = "127.0.0.1";
/// Another address of the same client, left off the whitelist.
const THERE: &str = "127.0.0.5";

async fn connections(server: &LiveServer, from: &str) -> Vec<KeptConnection> {
    let mut opened = Vec::new();
    for _ in 0..CONNECTIONS {
        opened.push(server.open(from).await);
    }
    opened
}

/// Reads the profile with `token` on every connection; returns the statuses.
async fn profile_statuses(connections: &mut [KeptConnection], token: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for connection in connections.iter_mut() {
        let answer = connection
            .send("GET", "/v1/me/profile", Some(token), None)
            .await;
        statuses.push(answer.status);
    }
    statuses
}

async fn sessions_end_and_whitelists_apply_on_the_next_request(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let server = LiveServer::start(app.services.clone()).await;
    let owner = app.signed_up("ada").await;
    let revoked = app.login("ada", PASSWORD).await.json();
    let revoked_token = revoked["token"].as_str().unwrap().to_owned();
    let outlived = app.token_for("ada").await;
    let mut here = connections(&server, HERE).await;
    let mut there = connections(&server, THERE).await;
    for token in [&owner, &revoked_token, &outlived] {
        assert_eq!(profile_statuses(&mut here, token).await, [200; CONNECTIONS]);
        assert_eq!(
            profile_statuses(&mut there, token).await,
            [200; CONNECTIONS]
        );
    }

    let revoke = format!("/v1/sessions/{}", revoked["id"].as_str().unwrap());
    let answer = here[0].send("DELETE", &revoke, Some(&owner), None).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(
        profile_statuses(&mut here, &revoked_token).await,
        [401; CONNECTIONS],
        "a revoked session is refused at once"
    );

    let change =
        json!({ "current_password": PASSWORD, "new_password": "amber lantern drifts north" });
    let answer = here[1]
        .send("PUT", "/v1/me/password", Some(&owner), Some(&change))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(
        profile_statuses(&mut there, &outlived).await,
        [401; CONNECTIONS],
        "a password change ends the other sessions at once"
    );

    let entry = json!({ "cidr": format!("{HERE}/32"), "label": "office" });
    let answer = here[2]
        .send("POST", "/v1/me/ip-whitelist", Some(&owner), Some(&entry))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(
        profile_statuses(&mut there, &owner).await,
        [403; CONNECTIONS],
        "an address off the new whitelist is refused at once"
    );
    assert_eq!(
        profile_statuses(&mut here, &owner).await,
        [200; CONNECTIONS],
        "the listed address goes on working"
    );
    drop(server);
    app.finish().await;
}

#[tokio::test]
async fn on_a_sqlite_file() {
    sessions_end_and_whitelists_apply_on_the_next_request(Engine::SqliteFile).await;
}

#[tokio::test]
async fn on_postgres() {
    sessions_end_and_whitelists_apply_on_the_next_request(Engine::Postgres).await;
}
