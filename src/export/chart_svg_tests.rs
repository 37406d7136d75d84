use quick_xml::Reader;
use quick_xml::events::Event;

use super::*;

/// An element of a parsed SVG: name, attributes, its own text and its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn all(&self) -> Vec<&Node> {
        std::iter::once(self).chain(self.children.iter().flat_map(|c| c.all())).collect()
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn texts(&self) -> Vec<String> {
        self.all().into_iter().filter(|n| n.name == "text").map(|n| n.text.clone()).collect()
    }

    /// The groups whose tooltip is `title`.
    fn groups_titled(&self, title: &str) -> Vec<&Node> {
        let titled = |n: &&Node| n.children.first().is_some_and(|t| t.name == "title" && t.text == title);
        self.all().into_iter().filter(|n| n.name == "g").filter(titled).collect()
    }
}

/// Parses the SVG strictly (matching end tags, one root); panics where it is not well-formed XML.
fn parse(svg: &str) -> Node {
    let mut reader = Reader::from_str(svg);
    let mut stack = vec![Node::default()];
    let open = |e: &quick_xml::events::BytesStart| Node {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs: e
            .attributes()
            .map(|a| a.unwrap())
            .map(|a| (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned()))
            .collect(),
        ..Node::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(open(&e)),
            Event::End(_) => {
                let node = stack.pop().unwrap();
                stack.last_mut().expect("balanced").children.push(node);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                stack.last_mut().unwrap().text.push_str(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element is closed");
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    let root = document.children.remove(0);
    assert_eq!(root.name, "svg");
    root
}

fn code(name: &str, theme: &str) -> CodeLabel {
    CodeLabel { name: name.into(), path: format!("{theme}/{name}") }
}

fn sample() -> Heatmap {
    let codes = vec![code("Access", "Care"), code("Waiting <lists> & \"queues\"", "Care"), code("Trust", "Care")];
    let cells =
        |x: f64| vec![vec![None, Some(x), Some(0.0)], vec![Some(x), None, Some(2.0)], vec![Some(0.0), Some(2.0), None]];
    Heatmap {
        title: "Co-occurrence of codes".into(),
        rules: "# unit: overlap; measure: count; coders: all (identical spans once); by: site".into(),
        measure: "count of overlapping pairs".into(),
        codes,
        panels: vec![
            Panel { heading: "North (12 codings)".into(), cells: cells(5.0) },
            Panel { heading: "South (8 codings)".into(), cells: cells(1.0) },
            Panel { heading: "(across groups): pairs in two groups".into(), cells: cells(3.0) },
        ],
        note: Some("(across groups): pairs whose two passages fall in different groups.".into()),
    }
}

#[test]
fn a_heatmap_names_every_code_in_rows_and_columns_and_carries_its_rules_and_legend() {
    let chart = sample();
    let root = parse(&heatmap_svg(&chart));
    let texts = root.texts();
    for code in &chart.codes {
        let drawn = texts.iter().filter(|t| **t == code.name).count();
        assert_eq!(drawn, 2 * chart.panels.len(), "{} as a row and a column of each panel", code.name);
    }
    let rotated = root.all().into_iter().filter(|n| n.attr("transform").is_some_and(|t| t.contains("rotate"))).count();
    assert_eq!(rotated, chart.codes.len() * chart.panels.len(), "column names are rotated");
    for panel in &chart.panels {
        assert!(texts.contains(&panel.heading), "{} is labelled", panel.heading);
    }
    assert!(texts.contains(&chart.title));
    let rules = texts.iter().find(|t| t.starts_with("unit: overlap")).expect("the rules line is under the title");
    assert!(rules.contains("measure: count") && rules.contains("coders: all"), "{rules}");
    assert!(texts.contains(&chart.measure), "the legend names the measure");
    assert!(texts.iter().any(|t| t.starts_with("blank")) && texts.iter().any(|t| t.starts_with("grey")));
    assert!(root.all().iter().any(|n| n.name == "linearGradient"), "the colour scale is drawn");
    assert!(texts.iter().any(|t| t.starts_with("(across groups): pairs whose")), "the note is under the legend");
    let titles: Vec<&str> = root.all().into_iter().filter(|n| n.name == "title").map(|n| n.text.as_str()).collect();
    assert!(titles.contains(&"Care/Waiting <lists> & \"queues\""), "full paths are tooltips");
}

#[test]
fn zero_cells_are_blank_and_counted_cells_show_their_value() {
    let root = parse(&heatmap_svg(&sample()));
    let zero = root.groups_titled("North (12 codings): Care/Access × Care/Trust = 0");
    assert_eq!(zero.len(), 1);
    assert!(zero[0].all().iter().all(|n| n.name != "text"), "no number in a zero cell");
    assert_eq!(zero[0].children[1].attr("fill"), Some("#ffffff"));
    let counted = root.groups_titled("North (12 codings): Care/Access × Care/Waiting <lists> & \"queues\" = 5");
    assert_eq!(counted[0].texts(), ["5"]);
    assert_ne!(counted[0].children[1].attr("fill"), Some("#ffffff"));
    let diagonal = root.groups_titled("South (8 codings): Care/Trust × Care/Trust = not counted");
    assert_eq!(diagonal[0].children[1].attr("fill"), Some(NOT_COUNTED));
}

#[test]
fn panels_are_small_multiples_in_a_grid_not_one_long_row() {
    let mut chart = sample();
    let panel = chart.panels[0].clone();
    chart.panels = (0..6).map(|i| Panel { heading: format!("Site {i}"), ..panel.clone() }).collect();
    let root = parse(&heatmap_svg(&chart));
    let width: f64 = root.attr("width").unwrap().parse().unwrap();
    let height: f64 = root.attr("height").unwrap().parse().unwrap();
    let one = PanelLayout::of(&chart.codes);
    assert!(width < 3.5 * (one.width() + GAP) + 2.0 * MARGIN, "three columns: {width}");
    assert!(height > 2.0 * one.height(), "two rows: {height}");
}

#[test]
fn control_characters_are_dropped_and_markup_in_names_is_escaped() {
    let mut chart = sample();
    chart.codes[0].name = "Bell\u{7}</text><script>".into();
    chart.title = "A & B \u{0}".into();
    let root = parse(&heatmap_svg(&chart));
    assert!(root.texts().contains(&"Bell</text><script>".to_owned()));
    assert!(root.texts().contains(&"A & B ".to_owned()));
    assert!(root.all().iter().all(|n| n.name != "script"));
}

#[test]
fn long_names_are_cut_with_the_full_path_kept_as_the_tooltip() {
    let mut chart = sample();
    chart.codes[2] = code(&"very long name ".repeat(5), "Care");
    let root = parse(&heatmap_svg(&chart));
    let cut = root.texts().into_iter().find(|t| t.starts_with("very long")).unwrap();
    assert!(cut.ends_with('…') && cut.chars().count() <= NAME_CHARS, "{cut}");
    assert!(!root.groups_titled(&chart.codes[2].path).is_empty());
}

#[test]
fn a_bar_chart_names_every_bar_with_its_value_and_states_its_rules() {
    let chart = Bars {
        title: "Codings per code".into(),
        rules: "# codings per code; coders: all; roll-up: on".into(),
        unit: "codings".into(),
        bars: vec![
            Bar { label: code("Access", "Care"), value: 12.0 },
            Bar { label: code("Trust", "Care"), value: 0.0 },
            Bar { label: code("Money & time", "Care"), value: 7.0 },
        ],
    };
    let root = parse(&bars_svg(&chart));
    let texts = root.texts();
    for bar in &chart.bars {
        let group = root.groups_titled(&format!("{}: {}", bar.label.path, format_value(bar.value)));
        assert_eq!(group.len(), 1, "{}", bar.label.path);
        assert_eq!(group[0].texts(), [bar.label.name.clone(), format_value(bar.value)]);
    }
    assert!(texts.contains(&chart.title));
    assert!(texts.iter().any(|t| t == "codings per code; coders: all; roll-up: on"), "{texts:?}");
    let widths: Vec<f64> = root
        .all()
        .into_iter()
        .filter(|n| n.name == "rect" && n.attr("fill") == Some(BAR))
        .map(|n| n.attr("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 3);
    assert!(widths[0] > widths[2] && widths[2] > widths[1] && widths[1] == 0.0, "{widths:?}");
}

#[test]
fn an_empty_chart_is_still_a_valid_svg() {
    let chart = Heatmap { panels: vec![], codes: vec![], note: None, ..sample() };
    parse(&heatmap_svg(&chart));
    parse(&bars_svg(&Bars { title: "t".into(), rules: String::new(), unit: "codings".into(), bars: vec![] }));
}
