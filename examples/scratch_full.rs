#[inline(never)]
fn clean_all(p: &safe_markup::Policy, docs: &[String]) -> usize {
    docs.iter().map(|d| p.clean_full(d).len()).sum()
}
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let docs: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let n = clean_all(&safe_markup::Policy::ugc(), &docs);
    println!("bytes {bytes} out {n}");
}
