//! What the build makes of assessments for the browser: a decision tree's
//! static pages, the self-scoring worksheet, and assessments embedded in
//! Markdown pages. Builds `tests/fixtures/assess-site` (with the default
//! theme copied in) with the real binary.

mod common;

use std::path::PathBuf;

use common::{TestSite, assert_links_resolve, ids, read};

/// The fixture site with the repository's default theme.
fn site() -> TestSite {
    TestSite::fixture("assess-site").with_default_theme()
}

fn built() -> (TestSite, PathBuf) {
    let site = site();
    let out = site.build();
    (site, out)
}

/// The `href`s of the `<a class="CLASS"` links in `html`, in order.
fn hrefs_of_class(html: &str, class: &str) -> Vec<String> {
    let mut out = Vec::new();
    let needle = format!("<a class=\"{class}\" href=\"");
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        out.push(rest[..rest.find('"').unwrap()].to_string());
    }
    out
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn a_decision_tree_becomes_linked_static_pages() {
    let (_f, out) = built();
    for page in [
        "q/urgent",
        "q/skills",
        "q/budget",
        "result/hire",
        "result/outsource",
        "result/wait",
    ] {
        assert!(
            out.join(format!("assessments/tree/{page}/index.html"))
                .is_file(),
            "{page}"
        );
    }
    // The assessment page starts the static walk when there is no script.
    let start = read(&out, "assessments/tree/index.html");
    assert!(
        start.contains(
            r#"<a class="button wm-start-button" href="q/urgent/" data-wm-start>Start now</a>"#
        ),
        "{start}"
    );
    assert!(!start.contains("wm-sheet"), "a tree needs no worksheet");

    // Each answer is a link to where it leads.
    let urgent = read(&out, "assessments/tree/q/urgent/index.html");
    assert!(urgent.contains("<h1 class=\"wm-step__title\" id=\"step-title\">Is it urgent?</h1>"));
    assert_eq!(
        hrefs_of_class(&urgent, "wm-step__option"),
        ["../skills/", "../budget/"]
    );
    assert!(
        urgent.contains("<title>Is it urgent? · Build, buy or wait? · Assessment Fixture</title>")
    );
    let skills = read(&out, "assessments/tree/q/skills/index.html");
    assert_eq!(
        hrefs_of_class(&skills, "wm-step__option"),
        ["../../result/hire/", "../../result/outsource/"]
    );
    assert!(skills.contains("Question 2"), "the step on the way");
    assert!(skills.contains(r#"<a href="../urgent/">Start again</a>"#));
    let budget = read(&out, "assessments/tree/q/budget/index.html");
    assert_eq!(
        hrefs_of_class(&budget, "wm-step__option"),
        ["../../result/wait/", "../../result/wait/"]
    );

    // An outcome page: the result, a way back to the start and the call to action.
    let hire = read(&out, "assessments/tree/result/hire/index.html");
    assert!(hire.contains("<h1 class=\"wm-result__title\">Build it with your team</h1>"));
    assert!(hire.contains(r#"<a href="../../q/urgent/">Start again</a>"#));
    assert!(hire.contains("Talk it through"));
    assert!(hire.contains("mailto:hello@example.org"));
    // Question pages need the stylesheet, not the script; an outcome page
    // loads it only to pass a share link's answers on.
    assert!(hire.contains("css/assessment."));
    assert!(hire.contains("js/assessment."));
    assert!(!read(&out, "assessments/tree/q/urgent/index.html").contains("js/assessment."));

    // Step pages stay out of the sitemap; the assessment itself is in it.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("/assessments/tree/</loc>"));
    assert!(!sitemap.contains("/assessments/tree/q/"));
    assert_links_resolve(&out, true);
}

#[test]
fn a_scored_assessment_carries_a_self_scoring_worksheet() {
    let (_f, out) = built();
    let html = read(&out, "assessments/pulse/index.html");
    let sheet = &html[html.find("<section class=\"wm-sheet\"").expect("worksheet")..];
    for text in [
        "Score it yourself",
        "100 × (your points − lowest) ÷ (highest − lowest)",
        // Each answer's points per area it can move.
        "<th scope=\"col\" class=\"wm-num\">Trust points</th>",
        "<th scope=\"row\">Yes, almost always</th>\n            <td class=\"wm-num\">2</td>",
        "<th scope=\"row\">Fear of blame</th>\n            <td class=\"wm-num\">-1</td>",
        // Lowest and highest possible, for the percent.
        "<td class=\"wm-num\">-1 to 0</td>",
        "<td class=\"wm-num\">0 to 4</td>",
        // Scale values, ends labelled.
        "<th scope=\"row\">1 (Strongly disagree)</th>",
        "<th scope=\"row\">5 (Strongly agree)</th>",
        // Skip logic and optional questions in words.
        "Answer this only if you chose “Rarely” in question 1; otherwise skip it.",
        "<strong>What holds them back?</strong> (optional)",
        // Bands with their advice, outcome rules in order.
        "<dt>0 to 50%: Fragile</dt>",
        "<dt>above 50 up to 100%: Solid</dt>",
        "<strong>A thriving team</strong>. When Trust is above 50% and Focus is above 50%.",
        "<strong>Rebuild trust first</strong>. When Trust is 50% or less.",
        "<strong>Narrow the focus</strong>. When none of the rules above is met.",
    ] {
        assert!(sheet.contains(text), "missing `{text}` in:\n{sheet}");
    }
    // Outcome links in the worksheet are relative like every other link.
    assert!(sheet.contains(
        r#"<a href="../../guide/#build-buy-or-wait">Read more: Rebuild trust first</a>"#
    ));

    // Jumps: "Go to" and "Stop here" notes, and a jump-only outcome.
    let quiz = read(&out, "assessments/quiz/index.html");
    assert!(quiz.contains("Stop here: your result is “Welcome aboard”."));
    assert!(quiz.contains("Only when a “Stop here” instruction names it."));
}

#[test]
fn the_page_holds_the_form_the_data_and_the_script() {
    let (_f, out) = built();
    let html = read(&out, "assessments/pulse/index.html");
    // One fieldset and legend per question, real inputs with labels.
    assert_eq!(count(&html, "<fieldset class=\"wm-fieldset\""), 4);
    assert_eq!(count(&html, "<legend class=\"wm-legend\">"), 4);
    assert!(html.contains(r#"<input class="wm-option__input" type="radio" id="wm-pulse__speak-up__always" name="wm-pulse__speak-up" value="always">"#));
    assert!(html.contains(r#"<label class="wm-option__label" for="wm-pulse__speak-up__always">Yes, almost always</label>"#));
    assert!(html.contains(r#"type="checkbox" id="wm-pulse__notes__retro""#));
    assert!(html.contains(r#"<input class="wm-scale__input" type="radio" id="wm-pulse__priorities__5" name="wm-pulse__priorities" value="5">"#));
    assert!(html.contains(
        "Which of these does your team do every week? <span class=\"wm-optional\">(optional)</span>"
    ));
    assert!(html.contains(">There is a problem</h2>"));
    assert!(html.contains(">Continue</button>"));
    // The data, script-safe, and the script and stylesheet.
    assert!(html.contains("<script type=\"application/json\" data-wm-data>{"));
    assert!(html.contains("\"hash\":\""));
    assert!(html.contains(r#"<script defer src="../../js/assessment."#));
    assert!(html.contains(r#"<link rel="stylesheet" href="../../css/assessment."#));
    // The site root for links the script builds, made relative like every link.
    assert!(html.contains(r#"data-url="../../""#));
    // The call to action, contact from site.yaml.
    assert!(html.contains("<div class=\"wm-cta\" data-wm-cta>"));
    assert!(html.contains("https://example.org/book"));
    let unique = ids(&html);
    let mut sorted = unique.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), unique.len(), "duplicate ids");
}

#[test]
fn embedded_assessments_are_the_real_thing_with_unique_ids() {
    let (_f, out) = built();
    let html = read(&out, "guide/index.html");
    assert!(
        !html.contains("assessment-embed"),
        "the link card is replaced"
    );
    assert_eq!(count(&html, "data-wm-assessment "), 3);
    for uid in ["wm-pulse-1", "wm-tree-2", "wm-pulse-3"] {
        assert!(html.contains(&format!("id=\"{uid}\"")), "{uid}");
    }
    assert!(html.contains(r#"id="wm-pulse-3__speak-up__always""#));
    assert_eq!(
        count(&html, "<script type=\"application/json\" data-wm-data>"),
        3
    );
    // Below the page's own h1, one script and one stylesheet for the page.
    assert_eq!(count(&html, "<h2 class=\"wm-title\""), 3);
    assert_eq!(count(&html, "<h1"), 1);
    assert_eq!(count(&html, "js/assessment."), 1);
    assert_eq!(count(&html, "css/assessment."), 1);
    // The page's own call to action only once (no duplicate ids).
    assert_eq!(count(&html, "id=\"cta-title\""), 1);
    // The embedded tree still starts its static pages without a script.
    assert!(html.contains(r#"href="../assessments/tree/q/urgent/" data-wm-start"#));
    let unique = ids(&html);
    let mut sorted = unique.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), unique.len(), "duplicate ids");

    // Plain pages load nothing.
    let plain = read(&out, "plain/index.html");
    assert!(!plain.contains("assessment."));
    assert!(!read(&out, "index.html").contains("js/assessment."));
}

/// The fixture with `templates/page.html`: the default one with its
/// `{{ page.content | safe }}` line replaced by `content_line`.
fn site_printing_content_as(content_line: &str) -> TestSite {
    let f = site();
    let page = f.source("themes/default/templates/page.html");
    assert!(page.contains("{{ page.content | safe }}"));
    f.write(
        "templates/page.html",
        &page.replace("{{ page.content | safe }}", content_line),
    );
    f
}

#[test]
fn embeds_come_from_the_content_however_a_template_reworks_it() {
    // A template that edits the content's markup. Embeds used to be found
    // by searching the output for a hard-coded card, so this edit (it
    // changes the card's `<aside class=`) made all three vanish without a word.
    let f = site_printing_content_as(
        r#"<div class="reworked">{{ page.content | replace(from="class=", to="data-reworked class=") | safe }}</div>"#,
    );
    let out = f.build();
    let html = read(&out, "guide/index.html");
    assert!(html.contains(r#"<div class="reworked">"#));
    assert_eq!(count(&html, "data-wm-assessment "), 3, "{html}");
    for uid in ["wm-pulse-1", "wm-tree-2", "wm-pulse-3"] {
        assert!(html.contains(&format!("id=\"{uid}\"")), "{uid}");
    }
    assert!(!html.contains("waymark:assessment"), "no marker is left");
    assert!(!html.contains("assessment-embed"), "no card either");
}

#[test]
fn a_template_that_loses_an_embed_is_an_error_not_a_missing_embed() {
    for line in [
        "{{ page.content | escape_xml }}",
        "{{ page.summary | safe }}",
    ] {
        let f = site_printing_content_as(line);
        let o = f.run(&["build"]);
        assert_eq!(o.status.code(), Some(1), "{line}");
        let err = common::stderr(&o);
        assert!(
            err.contains(
                "`/guide/` embeds the assessment `pulse`, but its template left the embed out"
            ),
            "{line}: {err}"
        );
        assert!(err.contains("templates/page.html"), "{err}");
        assert!(err.contains("page.content | safe"), "the hint: {err}");
    }
}

#[test]
fn a_theme_without_the_embed_template_keeps_the_link_card() {
    let f = TestSite::fixture("basic");
    f.write(
        "content/guides/quizzed.md",
        "---\ntitle: Quizzed\n---\nBefore.\n\n```assessment\nquiz\n```\n\nAfter.\n",
    );
    let out = f.build();
    let html = read(&out, "guides/quizzed/index.html");
    assert!(
        html.contains(r#"<aside class="assessment-embed" data-assessment="quiz"><p><a href="../../assessments/quiz/">Quiz</a></p></aside>"#),
        "{html}"
    );
}

#[test]
fn portable_builds_link_the_static_pages_by_file() {
    let f = site();
    let out = f.build_with(&["--portable"]);
    let urgent = read(&out, "assessments/tree/q/urgent/index.html");
    assert_eq!(
        hrefs_of_class(&urgent, "wm-step__option"),
        ["../skills/index.html", "../budget/index.html"]
    );
    assert!(read(&out, "assessments/pulse/index.html").contains(r#"data-url="../../index.html""#));
    assert_links_resolve(&out, false);
}

#[test]
fn a_tree_laid_out_on_one_page_still_links_its_static_pages() {
    let f = site();
    let tree = f.source("content/assessments/tree.yaml");
    f.write(
        "content/assessments/tree-one.yaml",
        &tree.replace(
            "title: Build, buy or wait?",
            "title: Build or buy, on one page\nlayout: all-on-one-page",
        ),
    );
    let out = f.build();
    let html = read(&out, "assessments/tree-one/index.html");
    // Without the script the start link leads to the static pages; the
    // script hides it and shows every question at once.
    assert!(html.contains(
        r#"<p class="wm-actions" data-wm-nojs><a class="button wm-start-button" href="q/urgent/" data-wm-start>Start now</a></p>"#
    ), "{html}");
    assert!(
        out.join("assessments/tree-one/result/wait/index.html")
            .is_file()
    );
}

#[test]
fn an_exclusive_option_follows_an_or_divider_in_the_form_and_the_worksheet() {
    let (_f, out) = built();
    let html = read(&out, "assessments/habits/index.html");
    // The form: GOV.UK's "or" divider right before the exclusive checkbox.
    let form = &html[html.find("id=\"wm-habits__habits\"").expect("question")..];
    let divider = form
        .find("<p class=\"wm-options__divider\">or</p>")
        .expect("divider");
    let pairing = form.find("value=\"pairing\"").unwrap();
    let none = form
        .find(r#"value="none" data-wm-exclusive>"#)
        .expect("marked input");
    assert!(
        pairing < divider && divider < none,
        "order: others, or, none"
    );
    assert_eq!(count(&html, "wm-options__divider\">or<"), 1);
    // The worksheet: an "or" row before it, and the rule in words.
    let sheet = &html[html.find("<section class=\"wm-sheet\"").expect("worksheet")..];
    assert!(sheet.contains(
        "Choose every answer that applies and add up their points, or choose “None of these” on its own."
    ));
    let or_row = sheet
        .find("<tr class=\"wm-sheet__or\"><td colspan=\"2\">or</td></tr>")
        .expect("or row");
    assert!(or_row < sheet.find("<th scope=\"row\">None of these</th>").unwrap());
    // Lowest to highest possible as the engine counts them: "None of these"
    // (0) alone, or any of the three others (1 each).
    assert!(
        sheet.contains("<td class=\"wm-num\">0 to 3</td>"),
        "{sheet}"
    );
    // The data carries the flag for the script.
    assert!(html.contains(r#"{"exclusive":true,"id":"none","label":"None of these""#));
}

#[test]
fn an_outcome_cta_replaces_the_generic_one_and_booking_links_carry_the_outcome() {
    let (_f, out) = built();
    let html = read(&out, "assessments/habits/index.html");
    let block = |oid: &str| {
        let start = html
            .find(&format!("<div data-wm-cta-for=\"{oid}\""))
            .unwrap_or_else(|| panic!("no block for `{oid}`"));
        let rest = &html[start..];
        rest[..rest.find("</aside>").unwrap()].to_string()
    };
    // The generic block, shown without JavaScript: the site's wording.
    let generic = block("");
    assert!(
        generic.contains("Talk it through")
            && generic.contains(r#"href="https://example.org/book">Book a call<"#)
    );
    // An outcome with its own cta: its title, text, label and (checked,
    // relative) link.
    let own = block("starting");
    assert!(own.starts_with("<div data-wm-cta-for=\"starting\" hidden>"));
    for text in [
        "Run your first retrospective with us",
        "A 45-minute session with your team, facilitated.",
        r#"<a class="button" href="../../guide/#build-buy-or-wait">Book a first retrospective</a>"#,
    ] {
        assert!(own.contains(text), "missing `{text}` in {own}");
    }
    // Others keep the site's wording, with `booking_topic: topic`.
    assert!(
        block("strong").contains(r#"href="https://example.org/book?topic=strong">Book a call<"#)
    );
    // A decision tree's static result pages do the same.
    let wait = read(&out, "assessments/tree/result/wait/index.html");
    assert!(wait.contains(r#"href="https://example.org/book?topic=wait""#));
}

#[test]
fn a_broken_cta_link_fails_the_build_at_its_line() {
    let f = site();
    f.edit(
        "content/assessments/habits.yaml",
        "@/guide.md#build-buy-or-wait",
        "@/nowhere.md",
    );
    let err = f.build_err();
    assert!(
        err.contains("habits.yaml:54:12") && err.contains("broken internal link: `@/nowhere.md`"),
        "{err}"
    );
}

#[test]
fn every_outcome_of_a_scored_assessment_has_its_own_page() {
    let (_f, out) = built();
    let page = read(&out, "assessments/pulse/result/rebuild/index.html");
    for text in [
        "<title>Rebuild trust first · Team pulse check · Assessment Fixture</title>",
        r#"<meta name="description" content="“Rebuild trust first”: one of the results of the self-assessment “Team pulse check”.">"#,
        r#"<meta property="og:title" content="Rebuild trust first">"#,
        "<h1 class=\"wm-result__title\">Rebuild trust first</h1>",
        "<p>People hold back. Make it <strong>safe</strong> to raise problems.</p>",
        r#"<a class="button" href="../../">Take the assessment: Team pulse check</a>"#,
        r#"<a href="../../" data-wm-shared-to hidden>Team pulse check</a>"#,
        r#"href="https://example.org/book?topic=rebuild""#,
    ] {
        assert!(page.contains(text), "missing `{text}` in:\n{page}");
    }
    // No answers, no scores: the page is the same for everyone.
    assert!(!page.contains("data-wm-data"));
    for oid in ["thriving", "refocus"] {
        assert!(
            out.join(format!("assessments/pulse/result/{oid}/index.html"))
                .is_file()
        );
    }
    // Not in the sitemap: they are reached through share links.
    assert!(!read(&out, "sitemap.xml").contains("/result/"));
}

#[test]
fn a_booking_topic_must_be_a_query_parameter_name() {
    let f = site();
    f.edit(
        "site.yaml",
        "booking_topic: topic",
        "booking_topic: \"a&b\"",
    );
    let err = f.build_err();
    assert!(
        err.contains("site.yaml:")
            && err.contains("contact.booking_topic `a&b` is not a query parameter name"),
        "{err}"
    );
}
