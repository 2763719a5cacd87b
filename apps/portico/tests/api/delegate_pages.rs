//! `My account > Account delegates` and `/accept-invitation` through the real router:
//! invite with a chosen product, accept from the mailed link (after confirming the
//! address), change the access, revoke; another account's ids are refused.

use crate::delegates::{account_id, allowed, put_product, verify_registration_email};
use crate::form_browser::{Browser, location, text};
use crate::support::{TestApp, link_token, on_both_engines};

async fn a_delegate_is_invited_accepts_and_is_revoked_through_the_pages(app: &TestApp) {
    let ada_token = app.signed_up("ada").await;
    let ada_id = account_id(app, &ada_token).await;
    put_product(app, &ada_id, "p1").await;
    put_product(app, &ada_id, "p2").await;
    let bob_token = app.signed_up("bob").await;
    let bob_id = account_id(app, &bob_token).await;

    let mut ada = Browser::new(app);
    ada.log_in("ada").await;
    let refused = ada
        .submit(
            "/account/delegates",
            "/account/delegates",
            &[
                ("email", "not mail"),
                ("scope", "products"),
                ("product", "p1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", text(&refused));
    assert!(
        text(&refused).contains("id=\"email-error\""),
        "{}",
        text(&refused)
    );
    let invited = ada
        .submit(
            "/account/delegates",
            "/account/delegates",
            &[
                ("email", "bob@example.com"),
                ("scope", "products"),
                ("product", "p1"),
            ],
        )
        .await;
    assert_eq!(
        location(&invited),
        "/account/delegates?done=delegate_invited",
        "{}",
        text(&invited)
    );
    let (html, _) = ada.form_token("/account/delegates").await;
    assert!(
        html.contains("bob@example.com") && html.contains("Only: Product p1"),
        "{html}"
    );

    // Bob opens the link; his address is not confirmed yet, so the link waits.
    let mail = app
        .wait_for_mail("bob@example.com", "/accept-invitation?token=")
        .await;
    let token = link_token(&mail, "/accept-invitation");
    let link = format!("/accept-invitation?token={token}");
    let mut bob = Browser::new(app);
    let opened = bob.get(&link).await;
    assert_eq!(location(&opened), "/accept-invitation");
    let (_, form) = bob.form_token("/login?link").await;
    let logged_in = bob
        .post(
            "/login",
            &[
                ("login", "bob"),
                ("password", crate::support::PASSWORD),
                ("csrf", &form),
            ],
        )
        .await;
    assert_eq!(location(&logged_in), "/accept-invitation");
    let early = bob
        .submit("/accept-invitation", "/accept-invitation", &[])
        .await;
    assert_eq!(early.status, 403, "{}", text(&early));
    verify_registration_email(app, "bob", &bob_token).await;
    let accepted = bob
        .submit("/accept-invitation", "/accept-invitation", &[])
        .await;
    assert_eq!(
        location(&accepted),
        "/account/delegates?done=invitation_accepted",
        "{}",
        text(&accepted)
    );
    assert!(allowed(app, &bob_id, &ada_id, "p1").await);
    assert!(!allowed(app, &bob_id, &ada_id, "p2").await);
    let (html, _) = bob.form_token("/account/delegates").await;
    assert!(html.contains("class=\"card item delegated\""), "{html}");
    assert!(
        html.contains("Ada Lovelace") && html.contains("Product p1"),
        "{html}"
    );

    // The mailed token a second time is refused.
    bob.get(&link).await;
    let again = bob
        .submit("/accept-invitation", "/accept-invitation", &[])
        .await;
    assert_eq!(again.status, 422, "{}", text(&again));

    // Ada widens the access to every product, then revokes it.
    let (html, _) = ada.form_token("/account/delegates").await;
    let delegate = html
        .split("id=\"delegate-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let widened = ada
        .submit(
            "/account/delegates",
            &format!("/account/delegates/{delegate}"),
            &[("scope", "all")],
        )
        .await;
    assert_eq!(
        location(&widened),
        "/account/delegates?done=delegate_changed"
    );
    assert!(allowed(app, &bob_id, &ada_id, "p2").await);

    // Bob cannot touch Ada's delegates.
    let foreign = bob
        .submit(
            "/account/delegates",
            &format!("/account/delegates/{delegate}/revoke"),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", text(&foreign));
    assert!(allowed(app, &bob_id, &ada_id, "p2").await);

    let revoked = ada
        .submit(
            "/account/delegates",
            &format!("/account/delegates/{delegate}/revoke"),
            &[],
        )
        .await;
    assert_eq!(
        location(&revoked),
        "/account/delegates?done=delegate_revoked"
    );
    assert!(!allowed(app, &bob_id, &ada_id, "p1").await);
}
on_both_engines!(
    delegate_pages,
    super::a_delegate_is_invited_accepts_and_is_revoked_through_the_pages
);
