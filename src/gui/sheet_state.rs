//! What the classification sheet shows and what the user is doing in it, apart from drawing:
//! the grid of owners × attributes (rebuilt from the workbench when the project's data is
//! re-read), the order and filters of the rows, the cell being edited, the selected cells, and
//! the drafts of a new or renamed column. Every change it asks for is one library command
//! (`SetAttributes`, `RenameAttribute`), so each is one undoable step; a new column is kept
//! here, without writing anything, until its first value is set.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::coding::{AttributeCell, Command};
use crate::model::AttributeScope;

/// One row of the sheet: a document's name or a participant's label, and its values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetRow {
    pub owner: String,
    pub values: BTreeMap<String, String>,
}

/// The sheet of one scope as the project has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// The attribute names of the scope, in the order shown (`role` first for participants).
    pub columns: Vec<String>,
    /// Every document or participant, sorted by name.
    pub rows: Vec<SheetRow>,
}

impl Grid {
    /// A grid from the owners' values and every attribute name the scope has (some may have
    /// no value left).
    pub fn new(scope: AttributeScope, names: Vec<String>, mut rows: Vec<SheetRow>) -> Grid {
        let mut columns: BTreeSet<String> = names.into_iter().collect();
        columns.extend(rows.iter().flat_map(|r| r.values.keys().cloned()));
        let mut columns: Vec<String> = columns.into_iter().collect();
        if scope == AttributeScope::Participant
            && let Some(at) = columns.iter().position(|c| c == "role")
        {
            let role = columns.remove(at);
            columns.insert(0, role);
        }
        rows.sort_by(|a, b| a.owner.cmp(&b.owner));
        Grid { columns, rows }
    }

    /// The value of `column` in row `row` ("" when it has none).
    pub fn value(&self, row: usize, column: &str) -> &str {
        self.rows.get(row).and_then(|r| r.values.get(column)).map_or("", String::as_str)
    }

    pub fn row_of(&self, owner: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.owner == owner)
    }
}

/// Which sheet is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Tab {
    #[default]
    Participants,
    Documents,
}

impl Tab {
    pub fn scope(self) -> AttributeScope {
        match self {
            Tab::Participants => AttributeScope::Participant,
            Tab::Documents => AttributeScope::Document,
        }
    }

    pub fn of(scope: AttributeScope) -> Tab {
        match scope {
            AttributeScope::Participant => Tab::Participants,
            AttributeScope::Document => Tab::Documents,
        }
    }

    /// The heading of the first column.
    pub fn owner_heading(self) -> &'static str {
        match self {
            Tab::Participants => "Participant",
            Tab::Documents => "Document",
        }
    }
}

/// What the rows are sorted by: the owner's name (`None`) or an attribute, and the direction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortBy {
    pub column: Option<String>,
    pub descending: bool,
}

/// A cell, by its row's owner and its attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub owner: String,
    pub column: String,
}

/// The cell being edited and what has been typed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub cell: CellRef,
    pub text: String,
    /// The first frame of the edit asks for the keyboard.
    pub focus: bool,
}

/// A column being renamed: its name now and the new name typed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Renaming {
    pub from: String,
    pub to: String,
    /// The first frame of the rename asks for the keyboard.
    pub focus: bool,
}

impl Renaming {
    /// Starts renaming `column`; the box starts empty, showing the name as its hint.
    pub fn of(column: &str) -> Renaming {
        Renaming { from: column.to_owned(), to: String::new(), focus: true }
    }
}

/// The classification sheet's state, kept while the project is open.
#[derive(Debug, Clone, Default)]
pub struct SheetState {
    pub tab: Tab,
    grids: [Grid; 2],
    /// The workbench's data generation the grids were built from.
    built: Option<u64>,
    pub sort: SortBy,
    /// Rows must contain this text in some cell (case-insensitive).
    pub filter: String,
    /// Rows must have exactly this value in the column ("" for no value).
    pub column_filters: BTreeMap<String, String>,
    /// The selected cell: where fill down takes its value from.
    pub selected: Option<CellRef>,
    /// The other end of a selected range in the same column (Shift+click), by owner.
    pub range_end: Option<String>,
    pub editing: Option<Editing>,
    pub renaming: Option<Renaming>,
    /// The "new attribute" box.
    pub new_column: String,
    /// Columns added in the view that have no value yet, per tab.
    pending: [Vec<String>; 2],
    /// A row to scroll to and select (opened from a document's or participant's menu).
    pub reveal: Option<String>,
    /// A line about the last thing the sheet refused (shown above the grid).
    pub note: Option<String>,
    /// The rows shown and what they were worked out from, so a big sheet is not filtered and
    /// sorted again every frame.
    shown: Option<(ShownFor, Vec<usize>)>,
}

/// What decides the rows shown.
#[derive(Debug, Clone, PartialEq)]
struct ShownFor {
    built: Option<u64>,
    tab: Tab,
    sort: SortBy,
    filter: String,
    column_filters: BTreeMap<String, String>,
}

fn index(tab: Tab) -> usize {
    match tab {
        Tab::Participants => 0,
        Tab::Documents => 1,
    }
}

impl SheetState {
    /// Whether the grids were built from data generation `generation`.
    pub fn is_current(&self, generation: u64) -> bool {
        self.built == Some(generation)
    }

    /// Replaces both grids (the project's data was re-read); columns added in the view that now
    /// have values stop being pending.
    pub fn set_grids(&mut self, generation: u64, participants: Grid, documents: Grid) {
        self.grids = [participants, documents];
        self.built = Some(generation);
        for tab in [Tab::Participants, Tab::Documents] {
            let real = &self.grids[index(tab)].columns;
            self.pending[index(tab)].retain(|c| !real.contains(c));
        }
    }

    /// A tab's label: how many rows its sheet has, and of what ("19 participants").
    pub fn tab_label(&self, tab: Tab) -> String {
        let n = self.grids[index(tab)].rows.len();
        match tab {
            Tab::Participants => format!("{n} participants"),
            Tab::Documents => format!("{n} documents"),
        }
    }

    pub fn grid(&self) -> &Grid {
        &self.grids[index(self.tab)]
    }

    /// The columns shown: the project's, then those added here without a value yet.
    pub fn columns(&self) -> Vec<String> {
        let i = index(self.tab);
        self.grids[i].columns.iter().chain(&self.pending[i]).cloned().collect()
    }

    /// Shows the other sheet, forgetting what was selected, edited and filtered in this one.
    pub fn switch(&mut self, tab: Tab) {
        if tab != self.tab {
            self.tab = tab;
            self.sort = SortBy::default();
            self.column_filters.clear();
            self.selected = None;
            self.range_end = None;
            self.editing = None;
            self.renaming = None;
            self.note = None;
        }
    }

    /// [`Self::visible`], worked out again only when the grid, the order or a filter changed.
    pub fn shown(&mut self) -> Vec<usize> {
        let now = ShownFor {
            built: self.built,
            tab: self.tab,
            sort: self.sort.clone(),
            filter: self.filter.clone(),
            column_filters: self.column_filters.clone(),
        };
        match &self.shown {
            Some((made_for, rows)) if *made_for == now => rows.clone(),
            _ => {
                let rows = self.visible();
                self.shown = Some((now, rows.clone()));
                rows
            }
        }
    }

    /// The rows shown, as indexes into [`Self::grid`]: filtered, then sorted.
    pub fn visible(&self) -> Vec<usize> {
        let grid = self.grid();
        let needle = self.filter.trim().to_lowercase();
        let mut rows: Vec<usize> = (0..grid.rows.len())
            .filter(|&i| {
                let row = &grid.rows[i];
                needle.is_empty()
                    || row.owner.to_lowercase().contains(&needle)
                    || row.values.values().any(|v| v.to_lowercase().contains(&needle))
            })
            .filter(|&i| self.column_filters.iter().all(|(column, value)| grid.value(i, column) == value))
            .collect();
        if let Some(column) = &self.sort.column {
            rows.sort_by(|&a, &b| compare_values(grid.value(a, column), grid.value(b, column)));
        }
        if self.sort.descending {
            rows.reverse();
        }
        rows
    }

    /// Sorts by `column` (`None`: the name): ascending, or the other way round if it is sorted
    /// by that column already.
    pub fn sort_by(&mut self, column: Option<String>) {
        if self.sort.column == column {
            self.sort.descending = !self.sort.descending;
        } else {
            self.sort = SortBy { column, descending: false };
        }
    }

    /// The values of `column` in the sheet (for its filter menu), sorted; "" stands for none.
    pub fn values_of(&self, column: &str) -> Vec<String> {
        let grid = self.grid();
        let set: BTreeSet<&str> = (0..grid.rows.len()).map(|i| grid.value(i, column)).collect();
        let mut values: Vec<String> = set.into_iter().map(str::to_owned).collect();
        values.sort_by(|a, b| compare_values(a, b));
        values
    }

    /// A click on a cell: selects it and starts editing it (Shift: selects the range from the
    /// selected cell of the same column instead). An edit of another cell ends first, saved:
    /// its command is returned.
    pub fn click(&mut self, cell: CellRef, extend: bool) -> Option<Command> {
        self.note = None;
        if self.editing.as_ref().is_some_and(|e| e.cell == cell) {
            return None;
        }
        let committed = self.commit();
        if extend && self.selected.as_ref().is_some_and(|s| s.column == cell.column && s.owner != cell.owner) {
            self.range_end = Some(cell.owner);
            return committed;
        }
        let row = self.grid().row_of(&cell.owner);
        let text = row.map(|r| self.grid().value(r, &cell.column).to_owned()).unwrap_or_default();
        self.selected = Some(cell.clone());
        self.range_end = None;
        self.editing = Some(Editing { cell, text, focus: true });
        committed
    }

    /// Ends the edit: the command that sets the typed value, if it differs from the cell's.
    pub fn commit(&mut self) -> Option<Command> {
        let editing = self.editing.take()?;
        let grid = self.grid();
        let now = grid.row_of(&editing.cell.owner).map_or("", |r| grid.value(r, &editing.cell.column));
        let typed = editing.text.trim();
        if typed == now {
            return None;
        }
        let cell = AttributeCell {
            owner: editing.cell.owner,
            name: editing.cell.column,
            value: (!typed.is_empty()).then(|| typed.to_owned()),
        };
        Some(Command::SetAttributes { scope: self.tab.scope(), cells: vec![cell] })
    }

    /// Ends the edit without changing anything.
    pub fn cancel(&mut self) {
        self.editing = None;
    }

    /// Fill down: the selected cell's value (what is being typed in it, if it is being edited)
    /// set in the cells below it as the rows are shown, or in the selected range, as one
    /// command. `Err` says why there is nothing to fill.
    pub fn fill_down(&mut self) -> Result<Command, String> {
        let Some(anchor) = self.selected.clone() else {
            return Err("Click the cell whose value to copy first, then Fill down.".into());
        };
        let typed = self.editing.take().filter(|e| e.cell == anchor).map(|e| e.text.trim().to_owned());
        let grid = self.grid();
        let stored = grid.row_of(&anchor.owner).map_or("", |r| grid.value(r, &anchor.column));
        let value = typed.unwrap_or_else(|| stored.to_owned());
        if value.is_empty() {
            return Err(format!("The selected cell has no {} to copy; type one first.", anchor.column));
        }
        let shown: Vec<&str> = self.visible().into_iter().map(|i| grid.rows[i].owner.as_str()).collect();
        let Some(from) = shown.iter().position(|o| *o == anchor.owner) else {
            return Err("The selected cell is hidden by the filter; clear it or select another cell.".into());
        };
        let to = match &self.range_end {
            Some(end) => shown.iter().position(|o| o == end).unwrap_or(from),
            None => shown.len().saturating_sub(1),
        };
        let (first, last) = (from.min(to), from.max(to));
        let cells: Vec<AttributeCell> = std::iter::once(anchor.owner.as_str())
            .chain(shown[first..=last].iter().copied().filter(|o| *o != anchor.owner))
            .filter(|owner| grid.row_of(owner).map_or("", |r| grid.value(r, &anchor.column)) != value)
            .map(|owner| AttributeCell {
                owner: owner.to_owned(),
                name: anchor.column.clone(),
                value: Some(value.clone()),
            })
            .collect();
        if cells.is_empty() {
            return Err(format!("Every cell there has {} {value:?} already.", anchor.column));
        }
        Ok(Command::SetAttributes { scope: self.tab.scope(), cells })
    }

    /// Whether a row is in the selected range (or is the selected cell's row), for `column`.
    pub fn in_selection(&self, shown: &[usize], position: usize, column: &str) -> bool {
        let Some(anchor) = &self.selected else { return false };
        if anchor.column != column {
            return false;
        }
        let grid = self.grid();
        let owner_at = |p: usize| shown.get(p).map(|&i| grid.rows[i].owner.as_str());
        let Some(owner) = owner_at(position) else { return false };
        if owner == anchor.owner {
            return true;
        }
        let Some(end) = &self.range_end else { return false };
        let find = |o: &str| (0..shown.len()).find(|&p| owner_at(p) == Some(o));
        match (find(&anchor.owner), find(end)) {
            (Some(a), Some(b)) => (a.min(b)..=a.max(b)).contains(&position),
            _ => false,
        }
    }

    /// Checks a new column name against those shown (ignoring case; `except` is the column
    /// being renamed, whose case may change).
    fn check_name(&self, name: &str, except: Option<&str>) -> Result<(), String> {
        if name.is_empty() {
            return Err("Type a name for the attribute first.".into());
        }
        let lower = name.to_lowercase();
        let owner = self.tab.owner_heading().to_lowercase();
        if lower == owner || self.columns().iter().any(|c| Some(c.as_str()) != except && c.to_lowercase() == lower) {
            return Err(format!("There is a column called {name:?} already; choose another name."));
        }
        Ok(())
    }

    /// Adds the column typed in the "new attribute" box to the view (nothing is written until
    /// a value is set in it).
    pub fn add_column(&mut self) -> Result<(), String> {
        let name = self.new_column.trim().to_owned();
        self.check_name(&name, None)?;
        self.pending[index(self.tab)].push(name);
        self.new_column.clear();
        Ok(())
    }

    /// Ends a rename: the command that renames a column of the project, or `None` when the
    /// column had no value yet (it is renamed here) or the name did not change.
    pub fn finish_rename(&mut self) -> Result<Option<Command>, String> {
        let Some(renaming) = self.renaming.clone() else { return Ok(None) };
        let to = renaming.to.trim().to_owned();
        if to == renaming.from || to.is_empty() {
            self.renaming = None;
            return Ok(None);
        }
        self.check_name(&to, Some(&renaming.from))?;
        self.renaming = None;
        let pending = &mut self.pending[index(self.tab)];
        if let Some(at) = pending.iter().position(|c| *c == renaming.from) {
            pending[at] = to;
            return Ok(None);
        }
        Ok(Some(Command::RenameAttribute { scope: self.tab.scope(), from: renaming.from, to }))
    }

    /// Shows the sheet of `scope` with the row of `owner` selected and scrolled to.
    pub fn reveal(&mut self, scope: AttributeScope, owner: String) {
        self.switch(Tab::of(scope));
        self.filter.clear();
        self.column_filters.clear();
        self.reveal = Some(owner);
    }
}

/// Orders sheet values: numbers by value before words, words ignoring case, empty cells last.
pub fn compare_values(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        _ => a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(owner: &str, values: &[(&str, &str)]) -> SheetRow {
        SheetRow { owner: owner.into(), values: values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn state() -> SheetState {
        let people = Grid::new(
            AttributeScope::Participant,
            vec!["years".into()],
            vec![
                row("LW02", &[("role", "link worker"), ("years", "10")]),
                row("LW01", &[("role", "link worker"), ("years", "3.5")]),
                row("GP01", &[("role", "GP")]),
                row("LW03", &[("years", "2")]),
            ],
        );
        let mut s = SheetState::default();
        s.set_grids(1, people, Grid::default());
        s
    }

    fn owners(s: &SheetState) -> Vec<&str> {
        s.visible().into_iter().map(|i| s.grid().rows[i].owner.as_str()).collect()
    }

    fn cells(command: Command) -> Vec<(String, Option<String>)> {
        match command {
            Command::SetAttributes { cells, .. } => cells.into_iter().map(|c| (c.owner, c.value)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn role_comes_first_and_rows_sort_by_name_numbers_and_words() {
        let mut s = state();
        assert_eq!(s.columns(), ["role", "years"]);
        assert_eq!(owners(&s), ["GP01", "LW01", "LW02", "LW03"]);
        s.sort_by(Some("years".into()));
        assert_eq!(owners(&s), ["LW03", "LW01", "LW02", "GP01"], "numbers by value, empty last");
        s.sort_by(Some("years".into()));
        assert_eq!(owners(&s), ["GP01", "LW02", "LW01", "LW03"]);
        s.filter = "link".into();
        assert_eq!(owners(&s), ["LW02", "LW01"]);
        s.filter.clear();
        s.column_filters.insert("role".into(), String::new());
        assert_eq!(owners(&s), ["LW03"], "the empty value filters too");
    }

    #[test]
    fn an_edit_commits_only_a_change_and_an_emptied_cell_clears_the_value() {
        let mut s = state();
        s.click(CellRef { owner: "LW01".into(), column: "role".into() }, false);
        assert_eq!(s.editing.as_ref().unwrap().text, "link worker");
        assert_eq!(s.commit(), None, "unchanged");
        s.click(CellRef { owner: "LW01".into(), column: "role".into() }, false);
        s.editing.as_mut().unwrap().text = " manager ".into();
        assert_eq!(cells(s.commit().unwrap()), [("LW01".to_owned(), Some("manager".to_owned()))]);
        s.click(CellRef { owner: "LW01".into(), column: "role".into() }, false);
        s.editing.as_mut().unwrap().text.clear();
        assert_eq!(cells(s.commit().unwrap()), [("LW01".to_owned(), None)]);
    }

    #[test]
    fn fill_down_follows_the_shown_order_or_the_range() {
        let mut s = state();
        s.click(CellRef { owner: "GP01".into(), column: "role".into() }, false);
        s.cancel();
        let filled = cells(s.fill_down().unwrap());
        assert_eq!(filled.len(), 3, "every row below GP01: {filled:?}");
        s.click(CellRef { owner: "LW01".into(), column: "role".into() }, false);
        s.click(CellRef { owner: "LW03".into(), column: "role".into() }, true);
        assert!(s.editing.is_none());
        assert_eq!(
            cells(s.fill_down().unwrap()),
            [("LW03".to_owned(), Some("link worker".to_owned()))],
            "LW02 has the value already"
        );
        let shown = s.visible();
        assert!(s.in_selection(&shown, 2, "role") && !s.in_selection(&shown, 0, "role"));
        s.click(CellRef { owner: "LW03".into(), column: "role".into() }, false);
        assert!(s.fill_down().unwrap_err().contains("no role"));
    }

    #[test]
    fn a_new_column_waits_for_a_value_and_names_are_checked() {
        let mut s = state();
        s.new_column = "Role".into();
        assert!(s.add_column().unwrap_err().contains("already"));
        s.new_column = "site".into();
        s.add_column().unwrap();
        assert_eq!(s.columns(), ["role", "years", "site"]);
        s.renaming = Some(Renaming { to: "place".into(), ..Renaming::of("site") });
        assert_eq!(s.finish_rename(), Ok(None), "renamed in the view only");
        assert_eq!(s.columns(), ["role", "years", "place"]);
        s.renaming = Some(Renaming { to: "years".into(), ..Renaming::of("role") });
        assert!(s.finish_rename().is_err());
        s.renaming = Some(Renaming { to: "Role".into(), ..Renaming::of("role") });
        assert!(matches!(s.finish_rename(), Ok(Some(Command::RenameAttribute { .. }))));
        let with_place =
            Grid::new(AttributeScope::Participant, vec![], vec![row("LW01", &[("place", "x"), ("role", "y")])]);
        s.set_grids(2, with_place, Grid::default());
        assert_eq!(s.columns(), ["role", "place"], "no longer pending once it has a value");
    }
}
