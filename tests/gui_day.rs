//! A day of coding: the bugs a researcher hit in the document viewer, the codebook and the quick
//! bar, each driven headless through egui_kittest the way a user meets it (issue "A day of
//! coding"), with the project checked through the library afterwards.

use egui_kittest::kittest::{NodeT, Queryable};
use fieldcode::coding;
use fieldcode::gui::Action;
use fieldcode::gui::workbench::Centre;
use fieldcode::store::{codes, codings, documents};

use crate::gui_support::{
    H, SCREEN, app, conn, context_menu, demo_with_selection, drag, first_paragraph, open_demo, open_demo_with,
    open_fn01, open_menu, settle, type_into,
};

fn code_named(h: &H, name: &str) -> fieldcode::model::CodeNode {
    codes::list(conn(h)).unwrap().into_iter().find(|c| c.name == name).expect("the demo has this code")
}

fn undo(h: &mut H) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
}

#[test]
fn a_swatch_in_the_colour_menu_recolours_the_code_and_undo_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    // egui's own picker has a copy button drawn with an emoji the test fonts lack.
    let mut h = open_demo_with(dir.path(), app(), SCREEN);
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    let before = code_named(&h, "Doors and badges").color;
    let swatch = coding::PALETTE.iter().find(|c| !c.eq_ignore_ascii_case(&before)).unwrap();
    context_menu(&mut h, "Doors and badges", "Colour…");
    assert!(h.query_by_label_contains("Use #").is_some(), "the picker is drawn in the menu");
    h.get_by_label(&format!("Colour {swatch}")).click();
    h.run_steps(3);
    assert!(code_named(&h, "Doors and badges").color.eq_ignore_ascii_case(swatch));
    undo(&mut h);
    assert_eq!(code_named(&h, "Doors and badges").color, before);
}

#[test]
fn autocode_previews_a_quoted_phrase_as_the_search_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "View", "Search and autocode");
    let field = h.get_by_label("Search for");
    field.focus();
    field.type_text("\"waiting list\"");
    h.run_steps(2);
    h.get_by_label("Search").click();
    settle(&mut h);
    let (_, hits) = h.state().panels.search.as_ref().unwrap().hits.clone().expect("the search ran");
    assert!(!hits.is_empty(), "the demo says 'waiting list'");
    h.get_by_label("Preview").click();
    settle(&mut h);
    let preview = h.state().panels.search.as_ref().unwrap().preview.clone().expect("previewed");
    assert_eq!(preview.hits.len(), hits.len(), "the preview finds what the search found");
}

/// The coding that starts furthest into any document other than FN01, with that document's
/// paragraph holding its start.
fn far_coding(h: &H) -> (fieldcode::model::CodingRow, String) {
    let all = codings::list(conn(h), &codings::CodingFilter::default()).unwrap();
    let fn01 = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().id;
    let far = all.into_iter().filter(|c| c.document_id != fn01).max_by_key(|c| c.start).unwrap();
    let paragraphs = documents::paragraphs(conn(h), far.document_id).unwrap();
    let text = documents::text(conn(h), far.document_id).unwrap();
    let para = paragraphs.iter().find(|p| p.start <= far.start && far.start < p.end).unwrap();
    let words: String = text.chars().skip(para.start).take(para.end - para.start).collect();
    (far, words)
}

#[test]
fn jumping_to_an_excerpt_in_a_closed_document_shows_it_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_fn01(&mut h);
    let (far, paragraph) = far_coding(&h);
    h.state_mut().queue(Action::JumpTo { document: far.document_id, start: far.start, end: far.end });
    h.run_steps(4);
    let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
    assert_eq!(view.id, far.document_id);
    let index = view.paragraph_of(far.start);
    assert!(view.heights.top(index) > SCREEN.y, "the excerpt lies below the first screen");
    let probe: String = paragraph.trim_start().chars().take(30).collect();
    let rect = h.get_by_label_contains(&probe).rect();
    assert!(rect.top() >= 0.0 && rect.top() < SCREEN.y, "the paragraph is on screen at the first jump: {rect:?}");
}

/// From the codebook heading's left edge to the screen's right edge.
fn codebook_width(h: &H) -> f32 {
    SCREEN.x - h.get_by_label("Codebook").rect().left()
}

#[test]
fn the_codebook_panel_narrows_while_excerpts_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let busiest = codes::list(conn(&h)).unwrap().into_iter().max_by_key(|c| c.codings).unwrap();
    h.state_mut().queue(Action::ShowExcerpts(busiest.id));
    h.run_steps(3);
    let wide = codebook_width(&h);
    // The panel's resize edge is just left of its frame's inner margin.
    let edge = h.get_by_label("Codebook").rect().left() - 9.0;
    drag(&mut h, egui::pos2(edge, 300.0), egui::pos2(edge + 120.0, 300.0));
    h.run_steps(3);
    let narrow = codebook_width(&h);
    assert!(narrow < wide - 80.0, "{wide} -> {narrow}");
}

#[test]
fn clicking_a_document_in_the_analysis_view_shows_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "View", "Analysis");
    assert_eq!(h.state().workbench.as_ref().unwrap().centre, Centre::Analysis);
    h.get_by_label("FN02-gp-surgery").click();
    h.run_steps(3);
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.centre, Centre::Document);
    assert_eq!(wb.view.as_ref().unwrap().name, "FN02-gp-surgery");
}

fn copied(h: &H) -> Option<String> {
    h.output().platform_output.commands.iter().find_map(|c| match c {
        egui::OutputCommand::CopyText(text) => Some(text.clone()),
        _ => None,
    })
}

/// Steps until a frame copies text (at most a few frames).
fn step_until_copied(h: &mut H) -> Option<String> {
    (0..4).find_map(|_| {
        h.step();
        copied(h)
    })
}

#[test]
fn ctrl_c_copies_the_selected_document_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let selected = h.state().workbench.as_ref().unwrap().selected_text().unwrap().to_owned();
    // The platform turns Ctrl+C into a Copy event (the key itself is checked with every other
    // shortcut in gui_actions).
    h.event(egui::Event::Copy);
    assert_eq!(step_until_copied(&mut h).as_deref(), Some(selected.as_str()));
}

#[test]
fn a_message_does_not_move_the_views() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_fn01(&mut h);
    let (first, text_before) = first_paragraph(&h);
    let probe: String = first.chars().take(25).collect();
    let code_before = h.get_by_label("Doors and badges").rect();
    h.state_mut().queue(Action::CopySelection);
    h.run_steps(3);
    assert!(h.state().message.is_some(), "copying with nothing selected says why");
    assert_eq!(h.get_by_label_contains(&probe).rect(), text_before);
    assert_eq!(h.get_by_label("Doors and badges").rect(), code_before);
}

#[test]
fn in_vivo_coding_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let (codes_before, history_before) =
        (codes::list(conn(&h)).unwrap().len(), coding::history(conn(&h)).unwrap().len());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run_steps(3);
    let created = codes::list(conn(&h)).unwrap();
    assert_eq!(created.len(), codes_before + 1);
    let history = coding::history(conn(&h)).unwrap();
    assert_eq!(history.len(), history_before + 1, "one history entry");
    assert_eq!(history.last().unwrap().kind, "create-code-and-apply");
    let new = created.iter().find(|c| c.parent_id.is_none() && c.codings == 1).expect("the in-vivo code, coded once");
    let wb = h.state().workbench.as_ref().unwrap();
    assert!(wb.quick.slot_of(new.id).is_some(), "the new code is on a quick key");
    undo(&mut h);
    assert_eq!(codes::list(conn(&h)).unwrap().len(), codes_before, "one Ctrl+Z removes code and coding");
}

fn quick_codes(h: &H) -> Vec<Option<i64>> {
    let wb = h.state().workbench.as_ref().unwrap();
    (0..fieldcode::gui::quick_slots::SLOTS).map(|i| wb.quick.code(i)).collect()
}

#[test]
fn quick_keys_keep_their_codes_and_a_pin_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo_with_selection(dir.path());
    let before = quick_codes(&h);
    h.key_press(egui::Key::Num5);
    h.run_steps(3);
    assert_eq!(quick_codes(&h), before, "using key 5 renumbers nothing");
    let outsider =
        h.state().workbench.as_ref().unwrap().codes.iter().find(|c| !before.contains(&Some(c.id))).unwrap().id;
    h.state_mut().queue(Action::ApplyCode(outsider));
    h.run_steps(3);
    let after = quick_codes(&h);
    let changed: Vec<usize> = (0..after.len()).filter(|&i| after[i] != before[i]).collect();
    assert_eq!(changed.len(), 1, "one slot takes the new code: {before:?} -> {after:?}");
    assert_eq!(after[changed[0]], Some(outsider));
    assert_ne!(changed[0], 4, "key 5 was just used");

    context_menu(&mut h, "Doors and badges", "Put on quick key…");
    h.get_by_label("Key 2").click();
    h.run_steps(3);
    let doors = code_named(&h, "Doors and badges");
    assert_eq!(quick_codes(&h)[1], Some(doors.id));
    let project = h.state().workbench.as_ref().unwrap().project.path().to_path_buf();
    assert_eq!(h.state().settings.pins(&project).get(1).cloned().flatten(), Some(doors.guid.clone()));

    let settings = h.state().settings.clone();
    let reopened = open_demo_with(dir.path(), fieldcode::gui::WorkbenchApp::new(settings), SCREEN);
    let wb = reopened.state().workbench.as_ref().unwrap();
    assert_eq!(wb.quick.code(1), Some(doors.id), "the pin survives closing the project");
}

#[test]
fn the_quick_bar_stays_on_one_line_on_a_laptop_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo_with(dir.path(), app(), SCREEN);
    open_fn01(&mut h);
    let buttons: Vec<egui::Rect> = h
        .get_all_by_role(egui::accesskit::Role::Button)
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.get(1..2) == Some(" "))
        })
        .map(|n| n.rect())
        .collect();
    assert!(!buttons.is_empty(), "slot buttons are drawn");
    assert!(buttons.iter().all(|r| (r.top() - buttons[0].top()).abs() < 1.0), "one line: {buttons:?}");
    let more = h.get_by_label_contains(" more");
    assert!((more.rect().top() - buttons[0].top()).abs() < 4.0, "the more menu sits on the same line");
    let shown = buttons.len()
        + more
            .accesskit_node()
            .label()
            .unwrap()
            .trim_start_matches('+')
            .split(' ')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap();
    assert_eq!(shown, 9, "every slot is on the bar or in its menu");
}

/// The first cell's value of the overall matrix exported as CSV, with the rules line.
fn exported(h: &mut H, path: &std::path::Path) -> (String, u64) {
    h.state_mut().queue(Action::ExportMatrix(path.to_path_buf()));
    h.run_steps(2);
    let csv = std::fs::read_to_string(path).expect("the CSV is written");
    let mut lines = csv.lines();
    let rules = lines.next().unwrap().to_owned();
    lines.next();
    let total: u64 = lines.flat_map(|l| l.split(',').skip(1)).filter_map(|v| v.parse::<u64>().ok()).sum();
    (rules, total)
}

#[test]
fn everyone_counts_identical_spans_once_and_says_so_unless_per_coder_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_menu(&mut h, "View", "Analysis");
    let default = h
        .get_all_by_role(egui::accesskit::Role::ComboBox)
        .any(|n| n.value().as_deref() == Some("everyone (identical spans once)"));
    assert!(default, "the coder choice names the default");
    assert!(h.query_by_label_contains("identical spans counted once").is_some(), "and the view says it");
    let (merged_rules, merged) = exported(&mut h, &dir.path().join("merged.csv"));
    assert!(merged_rules.contains("coders: all (identical spans once)"), "{merged_rules}");
    h.state_mut().workbench.as_mut().unwrap().analysis.options.per_coder = true;
    settle(&mut h);
    let (per_coder_rules, per_coder) = exported(&mut h, &dir.path().join("per-coder.csv"));
    assert!(per_coder_rules.contains("coders: all (each coder's codings separately)"), "{per_coder_rules}");
    assert!(per_coder > merged, "the demo's two coders coded identical spans: {per_coder} vs {merged}");
}

#[test]
fn stripes_are_labelled_by_code_and_a_click_selects_the_coding() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    open_fn01(&mut h);
    h.run_steps(1);
    let (coding, path) = {
        let wb = h.state().workbench.as_ref().unwrap();
        let view = wb.view.as_ref().unwrap();
        let first = view.by_paragraph.iter().flatten().next().map(|&k| view.codings[k as usize].clone()).unwrap();
        let path = wb.code_path(first.code_id);
        (first, path)
    };
    let label = format!("Stripe: {path} ({})", coding.coder);
    let stripe = h.get_all_by_label(&label).next().unwrap().rect();
    let name = wb_code_name(&h, coding.code_id);
    assert!(h.query_all_by_label_contains(&name).count() >= 1, "the code's name is written by its stripe");
    h.hover_at(stripe.center());
    h.run_steps(3);
    assert!(h.query_by_label_contains(&format!("coded by {}", coding.coder)).is_some(), "the hover names the coder");
    // The stripe only senses hover; the click goes to the text area beneath, as a mouse's would.
    click_at(&mut h, stripe.center());
    let wb = h.state().workbench.as_ref().unwrap();
    let span = wb.selection.expect("the coding is selected");
    assert_eq!((span.start, span.end), (coding.start, coding.end));
    assert!(wb.inspection.as_ref().is_some_and(|i| i.codings.iter().any(|c| c.id == coding.id)));

    // One coder's stripes only.
    let other = wb.view.as_ref().unwrap().codings.iter().find(|c| c.coder != coding.coder).map(|c| c.coder.clone());
    h.state_mut().workbench.as_mut().unwrap().stripe_coders =
        fieldcode::gui::stripes::StripeCoders::One(coding.coder_id);
    h.run_steps(3);
    if let Some(other) = other {
        assert_eq!(
            h.query_all_by_label_contains(&format!("({other})"))
                .filter(|n| n.accesskit_node().label().is_some_and(|l| l.starts_with("Stripe: ")))
                .count(),
            0
        );
    }
    assert!(h.query_all_by_label_contains(&format!("({})", coding.coder)).count() > 0);
}

fn wb_code_name(h: &H, code: i64) -> String {
    h.state().workbench.as_ref().unwrap().code(code).unwrap().name.clone()
}

fn click_at(h: &mut H, pos: egui::Pos2) {
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
        h.step();
    }
    h.run_steps(2);
}

/// Clicks `times` times at `pos`, a frame apart, optionally with Shift held.
fn clicks_at(h: &mut H, pos: egui::Pos2, times: usize, modifiers: egui::Modifiers) {
    crate::gui_support::clicks_at(h, pos, times, modifiers);
    h.run_steps(38); // past the double-click time, so the next clicks start afresh
}

fn selection(h: &H) -> Option<(usize, usize)> {
    h.state().workbench.as_ref().unwrap().selection.map(|s| (s.start, s.end))
}

#[test]
fn double_click_selects_a_word_triple_click_the_paragraph_and_shift_click_extends() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = crate::gui_support::open_demo_at_60_fps(dir.path());
    h.get_by_label("FN01-provider-office").click();
    h.run_steps(40); // past the double-click time of that click
    let para = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap().paragraphs[0];
    let (first, rect) = first_paragraph(&h);
    let on_first_word = rect.left_top() + egui::vec2(6.0, 8.0);
    clicks_at(&mut h, on_first_word, 2, egui::Modifiers::NONE);
    let word_len = first.chars().take_while(|c| c.is_alphanumeric()).count();
    assert_eq!(selection(&h), Some((para.start, para.start + word_len)), "the first word");
    // A quick key codes the double-clicked word right away.
    let code = h.state().workbench.as_ref().unwrap().quick.code(0).unwrap();
    h.key_press(egui::Key::Num1);
    h.run_steps(3);
    let view = h.state().workbench.as_ref().unwrap().view.as_ref().unwrap();
    assert!(
        view.codings.iter().any(|c| c.code_id == code && (c.start, c.end) == (para.start, para.start + word_len)),
        "key 1 coded the double-clicked word"
    );
    clicks_at(&mut h, on_first_word, 3, egui::Modifiers::NONE);
    assert_eq!(selection(&h), Some((para.start, para.end)), "the whole paragraph");

    clicks_at(&mut h, on_first_word, 2, egui::Modifiers::NONE);
    let further = rect.left_top() + egui::vec2(rect.width().min(300.0) - 4.0, 8.0);
    clicks_at(&mut h, further, 1, egui::Modifiers::SHIFT);
    let (start, end) = selection(&h).expect("still selected");
    assert_eq!(start, para.start);
    assert!(end > para.start + word_len + 5, "Shift+click extends to the click: {end}");
}

#[test]
fn a_collapsed_theme_hides_its_codes_and_stays_collapsed_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    assert!(h.query_by_label("Doors and badges").is_some());
    h.get_by_label("Collapse Working in liminal spaces").click();
    h.run_steps(3);
    assert!(h.query_by_label("Doors and badges").is_none(), "the theme's codes are hidden");
    assert!(h.query_by_label("Working in liminal spaces").is_some());
    let settings = h.state().settings.clone();
    let reopened = open_demo_with(dir.path(), fieldcode::gui::WorkbenchApp::new(settings), SCREEN);
    assert!(reopened.query_by_label("Doors and badges").is_none(), "still collapsed");
    assert!(reopened.query_by_label("Expand Working in liminal spaces").is_some());
}

#[test]
fn a_new_sub_code_from_the_context_menu_is_shown_and_selected() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    context_menu(&mut h, "Relationships with primary care", "New sub-code…");
    type_into(&mut h, "Name", "Peer support");
    h.get_by_label("Create").click();
    h.run_steps(4);
    let new = code_named(&h, "Peer support");
    assert_eq!(new.parent_id, Some(code_named(&h, "Relationships with primary care").id));
    let wb = h.state().workbench.as_ref().unwrap();
    assert_eq!(wb.excerpts.as_ref().map(|(c, _)| *c), Some(new.id), "the new code is selected");
    assert!(h.query_by_label("Peer support").is_some_and(|n| n.rect().bottom() < SCREEN.y), "and on screen");
}

#[test]
fn the_move_picker_filters_codes_by_what_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    context_menu(&mut h, "Doors and badges", "Move under…");
    type_into(&mut h, "Find", "turnover");
    assert!(h.query_by_label("Working in liminal spaces/No room of one's own").is_none(), "filtered out");
    // The picker's entry is the one just below its Find box (the codebook lists the code too).
    let find = h.get_by_label("Find").rect();
    let entry = h
        .get_all_by_label("Staff turnover and wellbeing")
        .filter(|n| n.rect().top() > find.top())
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .unwrap();
    entry.click();
    h.run_steps(3);
    let doors = code_named(&h, "Doors and badges");
    assert_eq!(doors.parent_id, Some(code_named(&h, "Staff turnover and wellbeing").id));
}

#[test]
fn a_theme_lists_its_sub_codes_excerpts_unless_unticked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_demo(dir.path());
    let theme = code_named(&h, "Relationships with primary care");
    h.state_mut().queue(Action::ShowExcerpts(theme.id));
    h.run_steps(3);
    let rolled_up: usize =
        codes::list(conn(&h)).unwrap().iter().filter(|c| c.parent_id == Some(theme.id)).map(|c| c.codings).sum();
    let listed = |h: &H| h.state().workbench.as_ref().unwrap().excerpts.as_ref().unwrap().1.len();
    assert_eq!(listed(&h), rolled_up, "the count the codebook shows");
    h.get_by_label("with its sub-codes' excerpts").click();
    h.run_steps(3);
    assert_eq!(listed(&h), theme.codings, "the theme's own");
}
