//! The nine slots of the quick-code bar (keys 1–9). A coder learns "3 is Caseload pressure", so a
//! slot keeps its code: using a code never renumbers the others. A slot is pinned by the user
//! (kept until unpinned), or filled automatically: empty slots take newly used codes, and only
//! when none is empty does a newly used code replace the unpinned slot used longest ago.

use crate::model::CodeId;

/// How many slots the bar has (keys 1–9).
pub const SLOTS: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub code: CodeId,
    pub pinned: bool,
    /// When the slot's code was last used (a counter; 0 for codes filled in at start).
    used: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuickSlots {
    slots: [Option<Slot>; SLOTS],
    clock: u64,
}

impl QuickSlots {
    /// The code on key `slot + 1`.
    pub fn code(&self, slot: usize) -> Option<CodeId> {
        self.slots.get(slot).copied().flatten().map(|s| s.code)
    }

    pub fn slots(&self) -> &[Option<Slot>; SLOTS] {
        &self.slots
    }

    /// The slot holding `code`, if any.
    pub fn slot_of(&self, code: CodeId) -> Option<usize> {
        self.slots.iter().position(|s| s.is_some_and(|s| s.code == code))
    }

    /// Notes that `code` was used: it keeps its slot if it has one; otherwise it takes the first
    /// empty slot, else the unpinned slot used longest ago (none when every slot is pinned).
    pub fn used(&mut self, code: CodeId) {
        self.clock += 1;
        let now = self.clock;
        if let Some(i) = self.slot_of(code) {
            if let Some(slot) = &mut self.slots[i] {
                slot.used = now;
            }
            return;
        }
        let empty = self.slots.iter().position(Option::is_none);
        let oldest = || {
            let unpinned = self.slots.iter().enumerate().filter_map(|(i, s)| s.filter(|s| !s.pinned).map(|s| (i, s)));
            unpinned.min_by_key(|(_, s)| s.used).map(|(i, _)| i)
        };
        if let Some(i) = empty.or_else(oldest) {
            self.slots[i] = Some(Slot { code, pinned: false, used: now });
        }
    }

    /// Pins `code` to `slot` (moving it from any other slot).
    pub fn pin(&mut self, slot: usize, code: CodeId) {
        if slot >= SLOTS {
            return;
        }
        if let Some(old) = self.slot_of(code) {
            self.slots[old] = None;
        }
        self.slots[slot] = Some(Slot { code, pinned: true, used: self.clock });
    }

    /// Lets `slot` be refilled by recency again (its code stays until then).
    pub fn unpin(&mut self, slot: usize) {
        if let Some(Some(s)) = self.slots.get_mut(slot) {
            s.pinned = false;
        }
    }

    /// Empties `slot`.
    pub fn clear(&mut self, slot: usize) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = None;
        }
    }

    /// Empties the slots whose code no longer exists.
    pub fn retain(&mut self, exists: impl Fn(CodeId) -> bool) {
        for slot in &mut self.slots {
            if slot.is_some_and(|s| !exists(s.code)) {
                *slot = None;
            }
        }
    }

    /// Puts `codes` (those not in the bar yet) into the empty slots, unpinned and least recent.
    pub fn fill_empty(&mut self, codes: impl IntoIterator<Item = CodeId>) {
        let mut codes = codes.into_iter();
        for i in 0..SLOTS {
            if self.slots[i].is_some() {
                continue;
            }
            let Some(code) = codes.by_ref().find(|&c| self.slot_of(c).is_none()) else { return };
            self.slots[i] = Some(Slot { code, pinned: false, used: 0 });
        }
    }

    /// The pinned codes by slot (what settings keep between sessions).
    pub fn pins(&self) -> [Option<CodeId>; SLOTS] {
        self.slots.map(|s| s.filter(|s| s.pinned).map(|s| s.code))
    }
}

#[cfg(test)]
mod tests {
    use super::{QuickSlots, SLOTS};

    fn codes(q: &QuickSlots) -> Vec<Option<i64>> {
        (0..SLOTS).map(|i| q.code(i)).collect()
    }

    #[test]
    fn using_codes_never_renumbers_the_others() {
        let mut q = QuickSlots::default();
        q.fill_empty([1, 2, 3]);
        q.used(3);
        q.used(2);
        assert_eq!(&codes(&q)[..4], &[Some(1), Some(2), Some(3), None]);
        q.used(7);
        assert_eq!(&codes(&q)[..4], &[Some(1), Some(2), Some(3), Some(7)], "a new code takes the empty slot");
    }

    #[test]
    fn a_full_bar_replaces_the_unpinned_slot_used_longest_ago() {
        let mut q = QuickSlots::default();
        q.fill_empty(1..=9);
        q.pin(0, 1);
        for code in [2, 4, 5, 6, 7, 8, 9] {
            q.used(code);
        }
        q.used(20);
        assert_eq!(codes(&q), [1, 2, 20, 4, 5, 6, 7, 8, 9].map(Some), "3 was never used, 1 is pinned");
        q.used(21);
        assert_eq!(q.code(1), Some(21), "2 is now the oldest unpinned");
        assert_eq!(q.code(0), Some(1), "the pinned slot stays");
    }

    #[test]
    fn pinning_moves_a_code_and_a_bar_of_pins_takes_nothing_new() {
        let mut q = QuickSlots::default();
        q.fill_empty([1, 2]);
        q.pin(4, 1);
        assert_eq!(q.code(0), None);
        assert_eq!(q.code(4), Some(1));
        for (slot, code) in (0..SLOTS).zip(10..) {
            q.pin(slot, code);
        }
        q.used(99);
        assert_eq!(q.slot_of(99), None);
        q.unpin(3);
        q.used(99);
        assert_eq!(q.slot_of(99), Some(3));
        assert_eq!(q.pins()[3], None);
        q.clear(3);
        assert_eq!(q.code(3), None);
    }

    #[test]
    fn removed_codes_leave_their_slot_empty() {
        let mut q = QuickSlots::default();
        q.fill_empty([1, 2, 3]);
        q.retain(|c| c != 2);
        assert_eq!(&codes(&q)[..3], &[Some(1), None, Some(3)]);
    }
}
