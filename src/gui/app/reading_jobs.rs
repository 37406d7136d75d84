//! Read-only work on a worker: the corpus search and the autocode preview, on their own
//! connection to the project file (in place for a project that lives in memory).

use egui::Context;

use super::WorkbenchApp;
use crate::gui::jobs;

impl WorkbenchApp {
    fn start_read(&mut self, ctx: &Context, title: String, task: jobs::ReadTask, detach: bool) {
        let Some(wb) = &self.workbench else { return };
        if self.job.is_some() {
            self.error("Another task is still running; wait for it or cancel it first.");
            return;
        }
        let path = wb.project.path().to_path_buf();
        if path == std::path::Path::new(":memory:") {
            let result = task(wb.project.conn(), &Default::default(), &Default::default());
            self.finish_job(result);
            return;
        }
        self.start_job(ctx, title, jobs::read(path, task));
        if detach {
            self.job = self.job.take().map(jobs::Job::detached_on_cancel);
        }
    }

    pub(super) fn search(&mut self, ctx: &Context, query: String, regex: bool, ignore_case: bool) {
        let Some(search) = &mut self.panels.search else { return };
        if search.query.trim().is_empty() {
            search.query = query.clone();
        }
        search.searching =
            if regex { format!("/{query}/{}", if ignore_case { "i" } else { "" }) } else { query.clone() };
        self.start_read(ctx, format!("Searching for {query}"), jobs::search(query, regex, ignore_case), true);
    }

    pub(super) fn preview_autocode(
        &mut self,
        ctx: &Context,
        rule: crate::coding::autocode::Rule,
        unit: crate::coding::units::Unit,
    ) {
        let Some(wb) = &self.workbench else { return };
        let documents = wb.documents.iter().map(|d| d.id).collect();
        let title = format!("Previewing {}", rule.describe(unit));
        self.start_read(ctx, title, jobs::preview(documents, rule, unit), false);
    }
}
