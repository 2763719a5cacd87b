//! How every router and browser test runs: once on SQLite and once on PostgreSQL, each
//! on a runtime of its own with room for the live server's deep futures.

/// Defines `mod $name { sqlite, postgres }`, each running `$body(&TestApp)`.
macro_rules! on_both_engines {
    ($name:ident, $body:path) => {
        mod $name {
            use portico_sea_orm::testing::Engine;

            use crate::engines::on_a_large_stack;
            use crate::support::TestApp;

            #[test]
            fn sqlite() {
                on_a_large_stack(|| async {
                    let app = TestApp::spawn(Engine::Sqlite).await;
                    $body(&app).await;
                    app.finish().await;
                });
            }

            #[test]
            fn postgres() {
                on_a_large_stack(|| async {
                    let app = TestApp::spawn(Engine::Postgres).await;
                    $body(&app).await;
                    app.finish().await;
                });
            }
        }
    };
}
pub(crate) use on_both_engines;

/// Runs a test's future on a runtime of its own, in a thread with a 16 MiB stack. A
/// browser journey polls the live server's handlers on the test's thread, and an
/// unoptimised build of those deep futures outgrows the 2 MiB a test thread has.
pub fn on_a_large_stack<F, Fut>(test: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let thread = std::thread::Builder::new()
        .name(std::thread::current().name().unwrap_or("test").to_owned())
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a test runtime")
                .block_on(test());
        })
        .expect("a test thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}
