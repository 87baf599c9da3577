//! axe-core scans of the widget (npm `axe-core@4`, installed into `.tools/` by `cargo xtask
//! setup|test`), run on the widget's host element so axe walks its open shadow root.

use serde_json::{json, Value};

use crate::{repo_root, Browser};

fn axe_source() -> String {
    let path = repo_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run `cargo xtask setup` (or `npm install --no-save --prefix .tools axe-core@4`)",
            path.display()
        )
    })
}

/// Runs axe on the widget host and returns `{violations, passes, incomplete}` (violations in detail).
pub fn scan(browser: &Browser) -> Value {
    let loaded = browser.exec(
        &format!("{}\n;return typeof window.axe;", axe_source()),
        json!([]),
    );
    assert_eq!(loaded, "object", "axe-core did not load");
    browser.exec_async(
        "const done = arguments[arguments.length - 1];\
         const host = document.getElementById('bp-web-widget');\
         window.axe.run(host, {resultTypes: ['violations']}).then(r => done({\
           passes: r.passes.length, incomplete: r.incomplete.length,\
           violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,\
             nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary}))}))\
         }), e => done({error: String(e)}));",
        json!([]),
    )
}
