//! Embeds every `decks/*.toml` in the binary: the built-in decks need no set-up.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=decks");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    Path::new(n)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
                        && !n.starts_with('.')
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("&[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=decks/{name}");
        let path = dir.join(name);
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("]\n");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_decks.rs");
    std::fs::write(out, code).expect("write the built-in deck list");

    // The library's layout cache (`storage::layoutcache`) holds what this code derives
    // from the decks: a hash of its source keys the cache, so a build that derives
    // differently never reads a layout an older one wrote.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in [
        "src/study/progress.rs",
        "src/study/drill.rs",
        "src/storage/layoutcache.rs",
    ] {
        println!("cargo:rerun-if-changed={file}");
        let bytes =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap_or_default();
        for b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=MEDTERM_LAYOUT_SOURCE={hash:016x}");
}
