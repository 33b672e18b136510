//! The rule detector scored against hand-labelled CONTRIBUTING guides
//! (`tests/fixtures/contributing/LABELS.tsv`). Run with `--nocapture` to see the table.

use contrib::rules::{self, Claim, Convention, File};

#[test]
fn detector_accuracy_on_labelled_guides() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contributing");
    let labels = std::fs::read_to_string(format!("{dir}/LABELS.tsv")).unwrap();
    let (mut right, mut total) = (0, 0);
    let mut per_field = std::collections::BTreeMap::<&str, (u32, u32)>::new();
    let mut misses = Vec::new();
    for line in labels.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let (file, dco, cla, conv, branch, claim) = (c[0], c[2], c[3], c[4], c[6], c[8]);
        let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let path = if file.contains("__.github__") {
            ".github/CONTRIBUTING.md"
        } else if file.contains("__docs__") {
            "docs/CONTRIBUTING.md"
        } else {
            "CONTRIBUTING.md"
        };
        let r = rules::detect(&[File { path, text: &text }], &[]);
        let got_conv = match r.convention.value {
            Convention::Conventional => "conventional",
            Convention::ComponentPrefix => "component-prefix",
            Convention::IssueIdPrefix => "issue-id-prefix",
            Convention::StyleGuidance => "style-guidance",
            Convention::None => "none",
        };
        let got_claim = match r.claim.value {
            Claim::Comment => "comment",
            Claim::BotCommand => "bot-command",
            Claim::None => "none",
        };
        let checks = [
            (
                "dco",
                dco == "required",
                r.dco.value,
                format!("{:?}", r.dco.evidence),
            ),
            (
                "cla",
                cla == "required",
                r.cla.value,
                format!("{:?}", r.cla.evidence),
            ),
            (
                "convention",
                true,
                got_conv == conv,
                format!("want {conv}, got {got_conv} {:?}", r.convention.evidence),
            ),
            (
                "branch",
                branch == "required",
                r.branch_rule.value.is_some(),
                format!("{:?}", r.branch_rule.evidence),
            ),
            (
                "claim",
                true,
                got_claim == claim,
                format!("want {claim}, got {got_claim} {:?}", r.claim.evidence),
            ),
        ];
        for (field, want, got, evidence) in checks {
            let ok = want == got;
            let e = per_field.entry(field).or_default();
            e.1 += 1;
            total += 1;
            if ok {
                e.0 += 1;
                right += 1;
            } else {
                misses.push(format!("{file} {field}: {evidence}"));
            }
        }
    }
    println!(
        "rule detector: {right}/{total} correct ({:.0}%)",
        100.0 * right as f64 / total as f64
    );
    for (field, (r, t)) in &per_field {
        println!("  {field:<11} {r}/{t}");
    }
    for m in &misses {
        println!("  miss: {m}");
    }
    assert_eq!(total, 50);
    assert!(
        right >= 45,
        "accuracy fell below 90%: {right}/{total}\n{}",
        misses.join("\n")
    );
}
