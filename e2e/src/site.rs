//! A static directory for the server's `--static-dir`: the widget build plus plain host pages that
//! embed nothing by themselves, so each test loads `inject.js` and calls the API the way it needs.

use std::path::Path;

/// The widget build (`WEBCHAT_DIST`) copied next to the test pages.
pub struct Site {
    dir: tempfile::TempDir,
}

/// `blank.html`: an empty host page with a `#slot` element for `init(config, '#slot')`.
const BLANK: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>host page</title><link rel=\"icon\" href=\"data:,\"></head>\
<body><main><h1>host page</h1><div id=\"slot\"></div></main></body></html>\n";

impl Site {
    /// Copies the widget build and writes the test pages.
    pub fn new() -> Site {
        let dist = super::env_path("WEBCHAT_DIST", super::workspace_root().join("dist"));
        let dir = tempfile::tempdir().expect("temporary static dir");
        copy_dir(&dist, dir.path());
        std::fs::write(dir.path().join("blank.html"), BLANK).expect("write blank.html");
        Site { dir }
    }

    /// The directory to pass as `static_dir`.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Default for Site {
    fn default() -> Self {
        Site::new()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("no widget build in {}: {e}", from.display()))
        .map_while(Result::ok)
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir in the static dir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a widget file");
        }
    }
}
