//! The page of a real `plc-host run --listen`, in a real browser (headless chromium): it asks
//! for the token, shows live values changing, and forcing a variable or an input bit through
//! it makes the controller obey. The screenshot goes to `target/browser/page.png`.

mod browser;
mod online;

use browser::Browser;
use online::*;

#[test]
fn the_page_shows_live_values_and_forces_through_the_controller() {
    let counter = file("browser/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap(), "--cycle", "10ms"], true);
    let mut b = Browser::start();
    b.open(&c.url);
    assert_eq!(b.eval("document.getElementById('main').hidden"), true, "nothing shown before the token");
    b.eval(&format!("document.getElementById('token-input').value = '{TOKEN}'; document.getElementById('token-save').click(); 1"));
    b.until("the page is live", "document.getElementById('connection').textContent === 'live'");
    assert_eq!(b.eval("location.href"), format!("{}/", c.url), "the token is not in the address");

    // Live values change.
    let count = "Number(document.querySelector('tr[data-variable=\"count\"] .value')?.textContent || 0)";
    let first = b.until("count is shown", count).as_u64().unwrap();
    b.until("count moves on", &format!("{count} > {first}"));
    b.until("the program is listed", "document.querySelector('#programs tbody tr td')?.textContent === 'counter'");

    // Force a variable through the page: the controller obeys.
    b.eval("const row = document.querySelector('tr[data-variable=\"count\"]'); row.querySelector('.new-value').value = '42'; row.querySelector('.force').click(); 1");
    let state = c.until("count forced to 42", |s| variable(s, "count")["forced"] == true);
    assert_eq!(variable(&state, "count")["value"], 42);
    b.until("the page shows it forced", "document.querySelector('tr[data-variable=\"count\"] .value.forced')?.textContent === '42'");

    // Force input bit %IX0.0 by clicking it: the program sees it.
    b.eval("document.querySelector('#inputs button[title=\"%IX0.0\"]').click(); 1");
    c.until("the program sees %IX0.0", |s| variable(s, "mirror")["value"] == 1);
    b.until("the page shows %QX0.0 on", "document.querySelector('#outputs button[title=\"%QX0.0\"]')?.textContent === '1'");
    b.until("the log tail shows the forces", "document.getElementById('log').textContent.includes('forced to')");

    let png = b.screenshot();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("page.png"), &png).unwrap();

    // Release through the page.
    b.eval("document.querySelector('tr[data-variable=\"count\"] .release').click(); 1");
    c.until("count released", |s| variable(s, "count")["forced"] == false);
    b.eval("document.getElementById('release-all').click(); 1");
    c.until("every force released", |s| s["forces"].as_array().unwrap().is_empty());
}
