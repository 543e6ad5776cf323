use std::path::Path;
#[test]
fn smoke() {
    for f in std::fs::read_dir("tests/fixtures/assessments").unwrap() {
        let p = f.unwrap().path();
        let src = std::fs::read_to_string(&p).unwrap();
        match waymark::assessment::load(Path::new(&p), &src) {
            Ok(a) => {
                println!(
                    "{} OK {:?} links {:?} tree {}",
                    p.display(),
                    waymark::assessment::outcome_counts(&a),
                    a.internal_links(),
                    a.is_decision_tree()
                );
                println!(
                    "{}",
                    serde_json::to_string(&a.browser_data(&|s| s.to_string(), &|s| s.to_string()))
                        .unwrap()
                );
            }
            Err(ds) => {
                for d in ds {
                    println!("{d}");
                }
            }
        }
    }
}
