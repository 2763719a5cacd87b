//! Account protection tried as an attacker and as an office behind one address would,
//! over real sockets from several loopback addresses: strangers' guesses never block
//! the owner's known device, a shared address is no lock for everyone behind it, a
//! client who just proved ownership is let in, and every second-factor code of an
//! account draws on one budget.

use serde_json::json;

use crate::sockets::{ELSEWHERE, Live, NEW_PASSWORD, OFFICE, OWNER, STRANGER, wrong_code};
use crate::support::{PASSWORD, TestApp, on_both_engines};

async fn a_strangers_guesses_never_block_the_owners_known_device(app: &TestApp) {
    let live = Live::start(app).await;
    live.register("victim").await;
    let (_, device) = live.logged_in(OWNER, "victim").await;

    // From one address, the guesser is soon stopped by its own pair counter, and the
    // owner elsewhere is not even slowed down.
    for _ in 0..25 {
        let guess = live.login(STRANGER, "victim", "not the password").await;
        assert!(matches!(guess.status, 401 | 429), "{}", guess.body);
    }
    live.logged_in(ELSEWHERE, "victim").await;
    // Spread over several addresses, the guesses block the account itself.
    for stranger in ["127.0.0.10", "127.0.0.11", "127.0.0.12"] {
        for _ in 0..25 {
            let guess = live.login(stranger, "victim", "not the password").await;
            assert!(matches!(guess.status, 401 | 429), "{}", guess.body);
        }
    }

    // The right password from a device nobody vouches for is refused during the
    // block: otherwise the block would protect nothing.
    let unknown = live.login(OWNER, "victim@example.com", PASSWORD).await;
    assert_eq!((unknown.status, unknown.slug()), (429, "too-many-attempts"));
    assert!(unknown.header("retry-after").is_some());
    // The owner's device, by its token or by its cookie, is judged alone.
    let by_token = live
        .login_on(OWNER, "victim", PASSWORD, Some(&device))
        .await;
    assert_eq!(by_token.status, 201, "{}", by_token.body);
    assert_eq!(by_token.body["device_token"], device.as_str());
    let cookie = format!("portico_device={device}");
    let by_cookie = live
        .server
        .exchange(
            OWNER,
            "POST",
            "/v1/sessions",
            None,
            Some(&json!({ "login": "VICTIM", "password": PASSWORD })),
            &[("Cookie", cookie.as_str())],
        )
        .await;
    assert_eq!(by_cookie.status, 201, "{}", by_cookie.body);
    let set_cookie = by_cookie.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    // The stranger's refusals reached the owner's audit trail, paced.
    let token = by_token.body["token"].as_str().unwrap();
    let kinds = app.event_kinds(token).await;
    assert!(kinds.iter().any(|k| k == "attempt_throttled"), "{kinds:?}");
}
on_both_engines!(
    stranger,
    super::a_strangers_guesses_never_block_the_owners_known_device
);

async fn a_stolen_device_credential_is_voided_after_its_own_few_failures(app: &TestApp) {
    let live = Live::start(app).await;
    live.register("ada").await;
    let (_, device) = live.logged_in(OWNER, "ada").await;

    let mut refused = 0;
    for _ in 0..40 {
        let guess = live
            .login_on(STRANGER, "ada", "not the password", Some(&device))
            .await;
        if guess.status == 429 {
            refused += 1;
            app.clock.advance(time::Duration::minutes(16));
        }
    }
    assert!(refused > 0, "the device's own counter slows it down");

    // Voided: the credential no longer vouches, and a new one is issued.
    app.clock.advance(time::Duration::days(1));
    let again = live.login_on(OWNER, "ada", PASSWORD, Some(&device)).await;
    assert_eq!(again.status, 201);
    assert_ne!(again.body["device_token"], device.as_str());
    let token = again.body["token"].as_str().unwrap();
    assert!(
        app.event_kinds(token)
            .await
            .iter()
            .any(|k| k == "device_forgotten")
    );
}
on_both_engines!(
    stolen_device,
    super::a_stolen_device_credential_is_voided_after_its_own_few_failures
);

async fn an_office_behind_one_address_is_not_locked_out_by_its_colleagues(app: &TestApp) {
    let live = Live::start(app).await;
    for n in 0..6 {
        live.register(&format!("typist{n}")).await;
    }
    live.register("careful").await;
    let secret = live.with_two_factor("guarded").await;

    // Thirty typos from the office, spread over other accounts.
    for n in 0..6 {
        for _ in 0..5 {
            let typo = live
                .login(OFFICE, &format!("typist{n}"), "a typo of a password")
                .await;
            assert_eq!(typo.status, 401, "{}", typo.body);
        }
    }

    live.logged_in(OFFICE, "careful").await;
    let done = live
        .two_factor_login(OFFICE, "guarded", PASSWORD, &secret)
        .await;
    let device = done.body["device_token"].as_str().unwrap();
    assert!(done.header("set-cookie").unwrap().contains(device));
}
on_both_engines!(
    office,
    super::an_office_behind_one_address_is_not_locked_out_by_its_colleagues
);

async fn known_and_unknown_logins_slow_down_alike(app: &TestApp) {
    let live = Live::start(app).await;
    live.register("ada").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..12 {
        let answer = live.login(STRANGER, "ada", "not the password").await;
        known.push((answer.status, answer.body.clone()));
        let answer = live.login(OFFICE, "nobody-here", "not the password").await;
        unknown.push((answer.status, answer.body.clone()));
    }
    assert_eq!(known, unknown, "nothing tells which names exist");
    assert!(known.iter().any(|(status, _)| *status == 429));
}
on_both_engines!(alike, super::known_and_unknown_logins_slow_down_alike);

async fn twenty_clients_behind_one_address_each_with_three_typos_all_log_in(app: &TestApp) {
    let live = Live::start(app).await;
    for n in 0..20 {
        live.register(&format!("client{n}")).await;
    }
    for n in 0..20 {
        let name = format!("client{n}");
        for _ in 0..3 {
            let typo = live.login(OFFICE, &name, "almost the password").await;
            assert_eq!(typo.status, 401, "{name}: {}", typo.body);
        }
        let answer = live.login(OFFICE, &name, PASSWORD).await;
        assert_eq!(answer.status, 201, "{name}: {}", answer.body);
    }
}
on_both_engines!(
    twenty_clients,
    super::twenty_clients_behind_one_address_each_with_three_typos_all_log_in
);

async fn the_owner_on_a_known_device_logs_in_throughout_a_thousand_guesses(app: &TestApp) {
    let live = Live::start(app).await;
    live.register("victim").await;
    let (_, device) = live.logged_in(OWNER, "victim").await;

    // The guesses come from ten addresses in turn, so that the account's own counter
    // is blocked too, not only each address's pair.
    let strangers: Vec<String> = (9..19).map(|n| format!("127.0.0.{n}")).collect();
    let mut owner_logins = 0;
    for guess in 1..=1_000 {
        let from = &strangers[guess % strangers.len()];
        let answer = live.login(from, "victim", "a guessed password").await;
        assert!(matches!(answer.status, 401 | 429));
        if guess % 50 == 0 {
            // A few seconds pass between the owner's logins.
            app.clock.advance(time::Duration::seconds(3));
            let owner = live
                .login_on(OWNER, "victim", PASSWORD, Some(&device))
                .await;
            assert_eq!(owner.status, 201, "guess {guess}: {}", owner.body);
            owner_logins += 1;
        }
    }
    assert_eq!(owner_logins, 20);
    let unknown = live.login(OWNER, "victim", PASSWORD).await;
    assert_eq!(unknown.status, 429, "the account itself is under a block");
}
on_both_engines!(
    thousand_guesses,
    super::the_owner_on_a_known_device_logs_in_throughout_a_thousand_guesses
);

async fn typos_from_an_address_never_stop_a_reset_or_the_login_after_it(app: &TestApp) {
    let live = Live::start(app).await;
    let secret = live.with_two_factor("ada").await;
    for _ in 0..7 {
        let typo = live.login(OFFICE, "ada", "a typo of a password").await;
        assert!(matches!(typo.status, 401 | 429));
    }

    let link = live.reset_link(OFFICE, "ada", None).await;
    let reset = live
        .confirm_reset(OFFICE, &link, Some(&app.totp_code(&secret)))
        .await;
    assert_eq!(reset.status, 204, "{}", reset.body);

    app.next_step();
    live.two_factor_login(OFFICE, "ada", NEW_PASSWORD, &secret)
        .await;
}
on_both_engines!(
    reset_after_typos,
    super::typos_from_an_address_never_stop_a_reset_or_the_login_after_it
);

async fn reset_links_draw_on_the_same_second_factor_budget_as_logins(app: &TestApp) {
    let live = Live::start(app).await;
    let secret = live.with_two_factor("ada").await;
    let wrong = wrong_code(&app.totp_code(&secret));

    // Five wrong codes use up the first link; one more on a fresh link is the
    // account's sixth, which closes its second factor for a while.
    let first = live.reset_link(STRANGER, "ada", None).await;
    for _ in 0..5 {
        let guess = live.confirm_reset(STRANGER, &first, Some(wrong)).await;
        assert_eq!(guess.status, 422, "{}", guess.body);
    }
    app.clock.advance(time::Duration::seconds(61));
    let second = live.reset_link(STRANGER, "ada", Some(&first)).await;
    let sixth = live.confirm_reset(STRANGER, &second, Some(wrong)).await;
    assert_eq!(sixth.status, 422);
    let seventh = live.confirm_reset(STRANGER, &second, Some(wrong)).await;
    assert_eq!((seventh.status, seventh.slug()), (429, "too-many-attempts"));

    // The login path draws on the same budget: a right code waits too.
    let pending = live.login(OWNER, "ada", PASSWORD).await;
    assert_eq!(pending.status, 201);
    let pending = pending.body["token"].as_str().unwrap().to_owned();
    let held = live
        .second_factor(OWNER, &pending, &app.totp_code(&secret))
        .await;
    assert_eq!((held.status, held.slug()), (429, "too-many-attempts"));

    app.clock.advance(time::Duration::seconds(61));
    let done = live
        .second_factor(OWNER, &pending, &app.totp_code(&secret))
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
}
on_both_engines!(
    one_budget,
    super::reset_links_draw_on_the_same_second_factor_budget_as_logins
);

async fn a_request_without_a_code_never_resets_the_code_budget(app: &TestApp) {
    let live = Live::start(app).await;
    let secret = live.with_two_factor("ada").await;
    let token = app.login_with_code("ada", &app.totp_code(&secret)).await;
    let wrong = wrong_code(&app.totp_code(&secret));
    let disable = |code: &'static str| {
        let live = &live;
        let token = token.clone();
        async move {
            live.call(
                OWNER,
                "DELETE",
                "/v1/me/two-factor",
                Some(&token),
                Some(json!({ "password": PASSWORD, "code": code })),
            )
            .await
        }
    };
    let without_code = || {
        let live = &live;
        let token = token.clone();
        async move {
            live.call(
                OWNER,
                "PUT",
                "/v1/me/username",
                Some(&token),
                Some(json!({ "new_username": "countess", "password": PASSWORD })),
            )
            .await
        }
    };

    for _ in 0..3 {
        assert_eq!(disable(wrong).await.status, 422);
    }
    let required = without_code().await;
    assert_eq!(required.status, 422, "{}", required.body);
    assert_eq!(required.body["errors"][0]["field"], "totp_code");
    for _ in 0..3 {
        assert_eq!(disable(wrong).await.status, 422);
    }
    assert_eq!(without_code().await.status, 422);
    let blocked = disable(wrong).await;
    assert_eq!((blocked.status, blocked.slug()), (429, "too-many-attempts"));
}
on_both_engines!(
    codeless_calls,
    super::a_request_without_a_code_never_resets_the_code_budget
);

async fn strangers_blocking_the_account_never_stop_the_owners_session(app: &TestApp) {
    let live = Live::start(app).await;
    live.register("ada").await;
    let (token, _) = live.logged_in(OWNER, "ada").await;
    for n in 30..36 {
        for _ in 0..6 {
            live.login(&format!("127.0.0.{n}"), "ada", "not the password")
                .await;
        }
    }
    let blocked = live.login(OWNER, "ada", PASSWORD).await;
    assert_eq!(blocked.status, 429, "the account itself is blocked");

    // The owner's session is judged by its own counter.
    let renewed = live
        .call(
            OWNER,
            "POST",
            "/v1/sessions/current/reauthenticate",
            Some(&token),
            Some(json!({ "password": PASSWORD })),
        )
        .await;
    assert_eq!(renewed.status, 204, "{}", renewed.body);
    let changed = live
        .call(
            OWNER,
            "PUT",
            "/v1/me/password",
            Some(&token),
            Some(json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD })),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
}
on_both_engines!(
    session_unaffected,
    super::strangers_blocking_the_account_never_stop_the_owners_session
);
