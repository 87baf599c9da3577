//! Shrinks the release build in `dist/` after trunk: short names across the wasm/JS boundary and
//! a minified glue and loader.
//!
//! wasm-bindgen names every import after its JS shim plus a 16-digit hash
//! (`__wbg_appendChild_dbf7ad2f48413560`) and every closure export after its full Rust type. The
//! names sit twice in the download (the wasm's import and export sections, the glue's import object
//! and `wasm.…` calls), and hex hashes do not compress: together about 6 KB of gzip. This pass gives
//! each import and export that the glue owns a short name in both files, drops the wasm's custom
//! sections (`producers`, `target_features`: nothing reads them at run time), then minifies the
//! glue and the loader with esbuild.
//!
//! First it replaces wasm-bindgen's loading code in the glue with the one `init` the loader calls
//! and drops the exports wasm-bindgen made for the glue that the glue never calls. Then it puts the
//! wasm's functions in order of size, smallest first, with ties broken by their bytes (wasm-opt's
//! `--reorder-functions-by-name` over names this pass writes): similar functions then sit within
//! gzip's 32 KB window of each other, and the small, often-called ones get one-byte indices (about
//! 1 KB of gzip). A last `-Oz` over that order removes what only the dropped exports reached and
//! finds about 340 B more than trunk's run did.
//!
//! Renaming is exact, not a guess: the names come from the wasm's own sections, each must occur in
//! the glue as a whole identifier, and the glue is rewritten token by token; a name the glue never
//! mentions fails the build instead of producing a module that cannot link.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::Result;

/// Section ids of the wasm binary format.
const CUSTOM: u8 = 0;
const IMPORT: u8 = 2;
const EXPORT: u8 = 7;
const CODE: u8 = 10;

/// The wasm features the release build uses, for wasm-opt runs that re-encode it.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
];

/// Trims the glue, drops unused glue exports, orders the functions in `dist/webchat_bg.wasm` and
/// runs `-Oz` over that order (with wasm-opt), renames the glue's imports and exports there and in
/// `dist/webchat.js`, drops the wasm's custom sections, then minifies `webchat.js` and `inject.js`
/// with `esbuild`.
pub fn shrink_dist(env: &crate::tools::Env, dist: &Path) -> Result {
    let wasm_path = dist.join("webchat_bg.wasm");
    let js_path = dist.join("webchat.js");
    let wasm = read(&wasm_path)?;
    let js = String::from_utf8(read(&js_path)?)
        .map_err(|_| format!("{} is not UTF-8", js_path.display()))?;
    let js = trim_glue(&js)?;
    let before_order = wasm.len();
    let (wasm, dropped) = prune_exports(&wasm, &js)?;
    let path = wasm_path.to_string_lossy().into_owned();
    write(&wasm_path, &[wasm.as_slice(), &rank_names(&wasm)?].concat())?;
    // -Oz again once the functions are in this order (it keeps the order) cuts about 340 B of
    // gzip that trunk's run, on the order rustc left, did not: measured, and kept because it holds
    let mut args = WASM_FEATURES.to_vec();
    args.extend([
        "--reorder-functions-by-name",
        "--strip-debug",
        "-Oz",
        &path,
        "-o",
        &path,
    ]);
    crate::run(env, "wasm-opt", &args)?;
    let wasm = read(&wasm_path)?;
    println!(
        "shrink: exports the glue never uses dropped: {dropped:?}; functions ordered by size; wasm {before_order} -> {} B",
        wasm.len()
    );
    let before = (wasm.len(), js.len());
    let (wasm, renames) = rename_boundary(&wasm)?;
    let js = rename_in_js(&js, &renames)?;
    write(&wasm_path, &wasm)?;
    write(&js_path, js.as_bytes())?;
    println!(
        "shrink: {} boundary names shortened; wasm {} -> {} B, glue {} -> {} B before minifying",
        renames.len(),
        before.0,
        wasm.len(),
        before.1,
        js.len()
    );
    // the glue is an ES module; the loader a classic script that is one function expression already
    for (file, format) in [("webchat.js", Some("--format=esm")), ("inject.js", None)] {
        let path = dist.join(file).to_string_lossy().into_owned();
        let outfile = format!("--outfile={path}");
        let mut args = vec![path.as_str(), "--minify"];
        args.extend(format);
        args.extend(["--log-level=warning", "--allow-overwrite", &outfile]);
        crate::run(env, "esbuild", &args)?;
    }
    Ok(())
}

/// The glue's loading code, from its module state to its exports, as wasm-bindgen 0.2.130 writes
/// it: `initSync`, the `init` that also takes a `Response`, a `Module` or bytes, and the warnings
/// about deprecated parameters. The loader (`public/inject.js`) calls only
/// `default({ module_or_path })` with the wasm's URL.
const GLUE_INIT_START: &str = "let wasmModule, wasmInstance, wasm;\n";

/// What replaces [`GLUE_INIT_START`] and the rest of the glue: one `init` for the loader's call.
/// It keeps what the stock one does on that path: compile while the wasm streams in, fall back to
/// the bytes when a server sends the wrong MIME type, share one promise between calls, and allow a
/// retry after a failure.
const GLUE_INIT: &str = "let wasm;
let __wbg_init_promise;
function __wbg_init({ module_or_path }) {
    return __wbg_init_promise ??= __wbg_init_once(module_or_path).catch((e) => {
        __wbg_init_promise = undefined;
        throw e;
    });
}
async function __wbg_init_once(url) {
    const imports = __wbg_get_imports();
    const response = await fetch(url);
    if (!response.ok) throw new Error(`failed to fetch Wasm: ${response.status} ${url}`);
    let result;
    try {
        result = await WebAssembly.instantiateStreaming(response, imports);
    } catch (e) {
        if (response.headers.get('Content-Type') === 'application/wasm') throw e;
        console.warn('webchat: serve .wasm as application/wasm to compile it while it loads', e);
        result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    }
    wasm = result.instance.exports;
    cachedDataViewMemory0 = null;
    cachedUint8ArrayMemory0 = null;
    wasm.__wbindgen_start();
    return wasm;
}
export { __wbg_init as default };
";

/// The declarations [`GLUE_INIT`] relies on from the rest of the glue.
const GLUE_INIT_USES: &[&str] = &[
    "function __wbg_get_imports(",
    "let cachedDataViewMemory0 = null;",
    "let cachedUint8ArrayMemory0 = null;",
];

/// Glue code no supported browser or caller needs: the `start` export (the wasm's start function
/// already runs on instantiation) and the `TextEncoder.encodeInto` fallback (every browser with
/// wasm reference types has `encodeInto`).
const GLUE_DEAD: &[&str] = &[
    "export function start() {\n    wasm.start();\n}\n",
    "if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
",
];

/// Replaces the glue's loading code with [`GLUE_INIT`] and drops [`GLUE_DEAD`]. Each piece must be
/// found exactly once: a wasm-bindgen that writes different glue fails the build here instead of
/// shipping a glue this pass half understood.
fn trim_glue(js: &str) -> Result<String> {
    let once = |piece: &str| match js.matches(piece).count() {
        1 => Ok(()),
        n => Err(format!(
            "shrink: expected the glue to hold this once, found it {n} times (a different \
             wasm-bindgen?):\n{piece}"
        )),
    };
    once(GLUE_INIT_START)?;
    let start = js.find(GLUE_INIT_START).expect("checked");
    let mut out = js[..start].to_owned();
    // what GLUE_INIT uses must be declared by the part it keeps
    for name in GLUE_INIT_USES {
        if !out.contains(name) {
            return Err(format!(
                "shrink: the glue does not declare `{name}` before its loading code"
            ));
        }
    }
    for piece in GLUE_DEAD {
        once(piece)?;
        out = out.replace(piece, "");
    }
    Ok(out + GLUE_INIT)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// True for the names wasm-bindgen generates for its glue (imports from the glue module, exports
/// the glue calls). `memory` and the crate's own `#[wasm_bindgen]` exports keep their names.
fn owned_by_glue(name: &str) -> bool {
    ["__wbg_", "__wbindgen_", "__externref_", "wasm_bindgen_"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The `n`th short name: `a`..`z`, `A`..`Z`, then two letters, skipping reserved words (valid as
/// property names anyway, but there is no need to test that in every browser).
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const RESERVED: &[&str] = &["do", "if", "in"];
    loop {
        let mut name = Vec::new();
        let mut i = n;
        loop {
            name.push(LETTERS[i % LETTERS.len()]);
            i /= LETTERS.len();
            if i == 0 {
                break;
            }
            i -= 1;
        }
        name.reverse();
        let name = String::from_utf8(name).expect("ASCII letters");
        if !RESERVED.contains(&name.as_str()) {
            return name;
        }
        n += 1_000_000;
    }
}

/// A reader over one wasm section's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or("wasm ends inside a section")?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u32> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "LEB128 over 32 bits".into());
            }
        }
        Err("LEB128 longer than 5 bytes".into())
    }

    fn name(&mut self) -> Result<&str> {
        let len = self.leb()? as usize;
        let end = self.at + len;
        let bytes = self
            .bytes
            .get(self.at..end)
            .ok_or("wasm name past its section")?;
        self.at = end;
        std::str::from_utf8(bytes).map_err(|_| "wasm name is not UTF-8".into())
    }

    /// The bytes from `start` to the cursor.
    fn since(&self, start: usize) -> &[u8] {
        &self.bytes[start..self.at]
    }
}

fn push_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn push_name(out: &mut Vec<u8>, name: &str) {
    push_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
}

/// The module's sections in order, as (id, contents); checks the header.
fn sections(wasm: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("webchat_bg.wasm is not a version-1 wasm module".into());
    }
    let mut out = Vec::new();
    let mut top = Reader { bytes: wasm, at: 8 };
    while top.at < wasm.len() {
        let id = top.byte()?;
        let size = top.leb()? as usize;
        let body = wasm
            .get(top.at..top.at + size)
            .ok_or("wasm section runs past the end")?;
        top.at += size;
        out.push((id, body));
    }
    Ok(out)
}

/// A module from `(id, contents)` sections.
fn assemble(sections: impl IntoIterator<Item = (u8, Vec<u8>)>) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    for (id, body) in sections {
        out.push(id);
        push_leb(&mut out, body.len() as u32);
        out.extend_from_slice(&body);
    }
    out
}

/// Rewrites the import and export sections with short names for the glue's entries and drops
/// custom sections; returns the new module and the old → new names.
fn rename_boundary(wasm: &[u8]) -> Result<(Vec<u8>, HashMap<String, String>)> {
    let mut renames = HashMap::new();
    let mut out = Vec::new();
    for (id, body) in sections(wasm)? {
        let body = match id {
            CUSTOM => continue,
            IMPORT => imports(body, &mut |_| {}, &mut renames)?,
            EXPORT => exports(body, &mut renames)?,
            _ => body.to_vec(),
        };
        out.push((id, body));
    }
    Ok((assemble(out), renames))
}

/// Drops the exports wasm-bindgen made for its glue that the glue never names (`__wbindgen_free`
/// when no export returns a string), so wasm-opt can remove what only they reached. Returns the
/// module and the names dropped.
fn prune_exports(wasm: &[u8], js: &str) -> Result<(Vec<u8>, Vec<String>)> {
    let used: HashSet<&str> = js.split(|c: char| !is_ident(c)).collect();
    let mut dropped = Vec::new();
    let mut out = Vec::new();
    for (id, body) in sections(wasm)? {
        if id != EXPORT {
            out.push((id, body.to_vec()));
            continue;
        }
        let section = entries(body, |r, out| {
            let start = r.at;
            let name = r.name()?.to_owned();
            r.byte()?; // kind
            r.leb()?; // index
            if owned_by_glue(&name) && !used.contains(name.as_str()) {
                dropped.push(name);
                return Ok(false);
            }
            out.extend_from_slice(r.since(start));
            Ok(true)
        })?;
        out.push((id, section));
    }
    Ok((assemble(out), dropped))
}

/// A `name` section calling each function the module defines by its rank in (body length, body
/// bytes) order, zero-padded so that sorting the names sorts the functions.
fn rank_names(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut imported = 0;
    let mut bodies: Vec<&[u8]> = Vec::new();
    for (id, body) in sections(wasm)? {
        match id {
            IMPORT => {
                imports(
                    body,
                    &mut |kind| imported += u32::from(kind == 0),
                    &mut HashMap::new(),
                )?;
            }
            CODE => {
                let mut r = Reader { bytes: body, at: 0 };
                for _ in 0..r.leb()? {
                    let len = r.leb()? as usize;
                    let start = r.at;
                    r.at += len;
                    bodies.push(
                        body.get(start..r.at)
                            .ok_or("function body past its section")?,
                    );
                }
            }
            _ => {}
        }
    }
    let mut order: Vec<usize> = (0..bodies.len()).collect();
    order.sort_by_key(|&k| (bodies[k].len(), bodies[k]));
    let mut rank = vec![0; bodies.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r;
    }
    let width = bodies.len().to_string().len();
    let mut map = Vec::new();
    push_leb(&mut map, bodies.len() as u32);
    for (k, r) in rank.iter().enumerate() {
        push_leb(&mut map, imported + k as u32);
        push_name(&mut map, &format!("{r:0width$}"));
    }
    let mut content = Vec::new();
    push_name(&mut content, "name");
    content.push(1); // function names
    push_leb(&mut content, map.len() as u32);
    content.extend(map);
    let mut section = vec![CUSTOM];
    push_leb(&mut section, content.len() as u32);
    section.extend(content);
    Ok(section)
}

fn rename(renames: &mut HashMap<String, String>, name: &str) -> String {
    if !owned_by_glue(name) {
        return name.to_owned();
    }
    let next = renames.len();
    renames
        .entry(name.to_owned())
        .or_insert_with(|| short_name(next))
        .clone()
}

/// Rewrites a section that is a vector of entries: `entry` reads each one from the reader and
/// copies it (renamed) to the output, or returns false to leave it out; the count is of those kept.
fn entries(
    body: &[u8],
    mut entry: impl FnMut(&mut Reader, &mut Vec<u8>) -> Result<bool>,
) -> Result<Vec<u8>> {
    let mut r = Reader { bytes: body, at: 0 };
    let mut kept = 0;
    let mut copied = Vec::with_capacity(body.len());
    for _ in 0..r.leb()? {
        kept += u32::from(entry(&mut r, &mut copied)?);
    }
    let mut out = Vec::with_capacity(copied.len() + 5);
    push_leb(&mut out, kept);
    out.extend(copied);
    Ok(out)
}

/// Rewrites the import section with glue names shortened; `kind` sees each entry's kind byte.
fn imports(
    body: &[u8],
    kind: &mut impl FnMut(u8),
    renames: &mut HashMap<String, String>,
) -> Result<Vec<u8>> {
    entries(body, |r, out| {
        let module = r.name()?.to_owned();
        let field = r.name()?.to_owned();
        let start = r.at;
        let k = r.byte()?;
        kind(k);
        match k {
            0 => {
                r.leb()?; // function type index
            }
            1 => {
                r.byte()?; // reference type
                limits(r)?;
            }
            2 => limits(r)?,
            3 => {
                r.byte()?; // value type
                r.byte()?; // mutability
            }
            4 => {
                r.byte()?; // tag attribute
                r.leb()?;
            }
            other => return Err(format!("unknown wasm import kind {other}")),
        }
        push_name(out, &module);
        push_name(out, &rename(renames, &field));
        out.extend_from_slice(r.since(start));
        Ok(true)
    })
}

fn limits(r: &mut Reader) -> Result {
    let flags = r.byte()?;
    r.leb()?;
    if flags & 1 != 0 {
        r.leb()?;
    }
    Ok(())
}

fn exports(body: &[u8], renames: &mut HashMap<String, String>) -> Result<Vec<u8>> {
    entries(body, |r, out| {
        let name = r.name()?.to_owned();
        let start = r.at;
        r.byte()?; // kind
        r.leb()?; // index
        push_name(out, &rename(renames, &name));
        out.extend_from_slice(r.since(start));
        Ok(true)
    })
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Replaces each renamed name where it occurs in `js` as a whole identifier; every renamed name
/// must occur at least once.
fn rename_in_js(js: &str, renames: &HashMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(js.len());
    let mut seen = HashSet::new();
    let mut rest = js;
    while let Some(start) = rest.find(|c: char| is_ident(c)) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        match renames.get(token) {
            Some(short) => {
                seen.insert(token);
                out.push_str(short);
            }
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if let Some(missing) = renames.keys().find(|k| !seen.contains(k.as_str())) {
        return Err(format!(
            "shrink: the glue never names the wasm's `{missing}`; is webchat.js from the same build?"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of wasm-bindgen's glue, cut down to what [`trim_glue`] looks at.
    fn glue() -> String {
        [
            "export function start() {\n    wasm.start();\n}\n",
            "function __wbg_get_imports() { return {}; }\n",
            "let cachedDataViewMemory0 = null;\nlet cachedUint8ArrayMemory0 = null;\n",
            GLUE_DEAD[1],
            "function keep() {}\n",
            GLUE_INIT_START,
            "function initSync(module) {}\nexport { initSync, __wbg_init as default };\n",
        ]
        .concat()
    }

    #[test]
    fn the_glue_keeps_one_init_and_loses_dead_code() {
        let js = trim_glue(&glue()).unwrap();
        assert!(js.ends_with(GLUE_INIT));
        assert!(js.contains("function keep() {}"));
        assert!(!js.contains("initSync") && !js.contains("export function start"));
        assert!(!js.contains("encodeInto"));
    }

    #[test]
    fn glue_of_another_shape_fails() {
        let without_init = glue().replace(GLUE_INIT_START, "");
        assert!(trim_glue(&without_init)
            .unwrap_err()
            .contains("found it 0 times"));
        let twice = glue() + GLUE_DEAD[0];
        assert!(trim_glue(&twice).unwrap_err().contains("found it 2 times"));
        let undeclared = glue().replace("let cachedDataViewMemory0 = null;", "");
        assert!(trim_glue(&undeclared)
            .unwrap_err()
            .contains("cachedDataViewMemory0"));
    }

    #[test]
    fn short_names_are_unique_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        let unique: HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!(names[0], "a");
        assert_eq!(names[52], "aa");
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_alphabetic())));
        assert!(!names.iter().any(|n| n == "do" || n == "if" || n == "in"));
    }

    /// A module importing `wbg.__wbg_log_0123` (a function) and `env.keep` (a memory) and
    /// exporting `__wbindgen_malloc` and `memory`, plus a custom section.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = vec![2];
        push_name(&mut imports, "wbg");
        push_name(&mut imports, "__wbg_log_0123");
        imports.extend([0, 0]);
        push_name(&mut imports, "env");
        push_name(&mut imports, "keep");
        imports.extend([2, 1, 1, 2]);
        m.push(IMPORT);
        push_leb(&mut m, imports.len() as u32);
        m.extend(&imports);
        let mut exports = vec![2];
        push_name(&mut exports, "__wbindgen_malloc");
        exports.extend([0, 1]);
        push_name(&mut exports, "memory");
        exports.extend([2, 0]);
        m.push(EXPORT);
        push_leb(&mut m, exports.len() as u32);
        m.extend(&exports);
        let mut custom = Vec::new();
        push_name(&mut custom, "producers");
        custom.extend([1, 2, 3]);
        m.push(CUSTOM);
        push_leb(&mut m, custom.len() as u32);
        m.extend(&custom);
        m
    }

    #[test]
    fn renames_glue_names_in_both_files_and_drops_custom_sections() {
        let (wasm, renames) = rename_boundary(&module()).unwrap();
        assert_eq!(renames.len(), 2);
        let text = String::from_utf8_lossy(&wasm);
        assert!(!text.contains("__wbg_log"));
        assert!(!text.contains("producers"));
        assert!(text.contains("keep") && text.contains("memory"));
        let js = "const i={__wbg_log_0123:function(a){console.log(a)}};\
                  wasm.__wbindgen_malloc(1);wasm.__wbindgen_malloc_x;wasm.memory";
        let out = rename_in_js(js, &renames).unwrap();
        let log = &renames["__wbg_log_0123"];
        let malloc = &renames["__wbindgen_malloc"];
        assert_eq!(
            out,
            format!(
                "const i={{{log}:function(a){{console.log(a)}}}};\
                 wasm.{malloc}(1);wasm.__wbindgen_malloc_x;wasm.memory"
            )
        );
        // the rewritten module reads back: same entries, new names
        let (again, second) = rename_boundary(&wasm).unwrap();
        assert_eq!(again, wasm);
        assert!(second.is_empty());
    }

    #[test]
    fn exports_the_glue_never_names_are_dropped() {
        let (wasm, dropped) =
            prune_exports(&module(), "wasm.memory;wasm.__wbindgen_mallocx()").unwrap();
        assert_eq!(dropped, ["__wbindgen_malloc"]);
        let text = String::from_utf8_lossy(&wasm);
        assert!(!text.contains("__wbindgen_malloc") && text.contains("memory"));
        assert!(text.contains("__wbg_log_0123") && text.contains("producers"));
        let (same, none) = prune_exports(&module(), "wasm.__wbindgen_malloc(8)").unwrap();
        assert_eq!((same, none.len()), (module(), 0));
    }

    #[test]
    fn names_rank_functions_by_size_then_bytes() {
        let mut m = module();
        // three bodies: 3 bytes, 1 byte, then 1 byte that sorts before the other one-byte body
        let code = [3u8, 3, 0, 0x01, 0x0b, 1, 0x0b, 1, 0x01];
        m.push(CODE);
        push_leb(&mut m, code.len() as u32);
        m.extend(code);
        let section = rank_names(&m).unwrap();
        let mut expected = vec![CUSTOM, 17];
        push_name(&mut expected, "name");
        // function names; one imported function comes first, so the defined ones are 1, 2, 3
        expected.extend([1, 10, 3, 1, 1, b'2', 2, 1, b'1', 3, 1, b'0']);
        assert_eq!(section, expected);
        assert!(rank_names(b"<html>").is_err());
    }

    #[test]
    fn a_name_the_glue_never_uses_fails() {
        let (_, renames) = rename_boundary(&module()).unwrap();
        let err = rename_in_js("wasm.__wbindgen_malloc(1)", &renames).unwrap_err();
        assert!(err.contains("__wbg_log_0123"), "{err}");
    }

    #[test]
    fn rejects_what_is_not_wasm() {
        assert!(rename_boundary(b"<html>").is_err());
        let mut cut = module();
        cut.truncate(20);
        assert!(rename_boundary(&cut).is_err());
    }
}
