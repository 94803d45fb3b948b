//! The `slipway` command.
fn main() {
    let path = std::env::args().nth(1).expect("path");
    let bytes = std::fs::read(&path).unwrap();
    let text = slipway::syntax::decode(&bytes).unwrap();
    let p = slipway::syntax::parse(text);
    println!("{}", serde_json::to_string_pretty(&slipway::syntax::dump::oracle(&p.dockerfile)).unwrap());
    for e in p.errors { eprintln!("{e:?}"); }
}
