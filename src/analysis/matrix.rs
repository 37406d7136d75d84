//! A symmetric matrix of counts keyed by code index: one value per unordered pair, no diagonal.
//! Dense (upper triangle) for codebooks up to a few thousand codes, a hash map beyond.

use std::collections::HashMap;

/// Most cells kept densely (32 MiB of `u32`); larger codebooks use a sparse map.
const DENSE_LIMIT: usize = 8 << 20;

/// Counts for unordered pairs `{a, b}` with `a != b` of `n` codes.
#[derive(Debug, Clone)]
pub struct SymMatrix {
    n: usize,
    cells: Cells,
}

#[derive(Debug, Clone)]
enum Cells {
    Dense(Vec<u32>),
    Sparse(HashMap<(u32, u32), u32>),
}

impl SymMatrix {
    /// An all-zero matrix for `n` codes.
    pub fn new(n: usize) -> SymMatrix {
        let size = n * n.saturating_sub(1) / 2;
        let cells = if size <= DENSE_LIMIT { Cells::Dense(vec![0; size]) } else { Cells::Sparse(HashMap::new()) };
        SymMatrix { n, cells }
    }

    /// Number of codes (rows and columns).
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    fn slot(&self, a: u32, b: u32) -> usize {
        let (a, b) = (a.min(b) as usize, a.max(b) as usize);
        a * (2 * self.n - a - 1) / 2 + (b - a - 1)
    }

    /// The value of `{a, b}`; 0 on the diagonal or out of range.
    pub fn get(&self, a: u32, b: u32) -> u32 {
        if a == b || a as usize >= self.n || b as usize >= self.n {
            return 0;
        }
        match &self.cells {
            Cells::Dense(v) => v[self.slot(a, b)],
            Cells::Sparse(m) => m.get(&(a.min(b), a.max(b))).copied().unwrap_or(0),
        }
    }

    /// Adds `by` to `{a, b}`; `a` must differ from `b` and both be in range.
    pub fn add(&mut self, a: u32, b: u32, by: u32) {
        debug_assert!(a != b && (a as usize) < self.n && (b as usize) < self.n);
        let slot = self.slot(a, b);
        match &mut self.cells {
            Cells::Dense(v) => v[slot] += by,
            Cells::Sparse(m) => *m.entry((a.min(b), a.max(b))).or_insert(0) += by,
        }
    }

    /// Sets `{a, b}` to `value`, returning the old value.
    pub fn replace(&mut self, a: u32, b: u32, value: u32) -> u32 {
        let slot = self.slot(a, b);
        match &mut self.cells {
            Cells::Dense(v) => std::mem::replace(&mut v[slot], value),
            Cells::Sparse(m) => m.insert((a.min(b), a.max(b)), value).unwrap_or(0),
        }
    }

    /// The position of `{a, b}` (`a != b`, both in range) among the cells of a dense matrix, for
    /// [`SymMatrix::dense_cells`]; `None` when the matrix is sparse.
    pub(crate) fn dense_slot(&self, a: u32, b: u32) -> Option<u32> {
        matches!(self.cells, Cells::Dense(_)).then(|| self.slot(a, b) as u32)
    }

    /// The cells of a dense matrix, by [`SymMatrix::dense_slot`].
    pub(crate) fn dense_cells(&mut self) -> Option<&mut [u32]> {
        match &mut self.cells {
            Cells::Dense(v) => Some(v),
            Cells::Sparse(_) => None,
        }
    }

    /// Adds every cell of `other` (a matrix of the same size) to this one.
    pub fn merge(&mut self, other: &SymMatrix) {
        debug_assert_eq!(self.n, other.n);
        match (&mut self.cells, &other.cells) {
            (Cells::Dense(mine), Cells::Dense(theirs)) => {
                for (m, t) in mine.iter_mut().zip(theirs) {
                    *m += t;
                }
            }
            _ => {
                for (a, b, v) in other.nonzero() {
                    self.add(a, b, v);
                }
            }
        }
    }

    /// Every non-zero cell as `(a, b, value)` with `a < b`, ordered by `(a, b)`.
    pub fn nonzero(&self) -> Vec<(u32, u32, u32)> {
        match &self.cells {
            Cells::Dense(v) => {
                let mut out = Vec::new();
                let mut slot = 0;
                for a in 0..self.n {
                    for b in a + 1..self.n {
                        if v[slot] != 0 {
                            out.push((a as u32, b as u32, v[slot]));
                        }
                        slot += 1;
                    }
                }
                out
            }
            Cells::Sparse(m) => {
                let mut out: Vec<(u32, u32, u32)> =
                    m.iter().filter(|(_, v)| **v != 0).map(|(&(a, b), &v)| (a, b, v)).collect();
                out.sort_unstable();
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_and_triangular() {
        let mut m = SymMatrix::new(4);
        m.add(3, 1, 2);
        m.add(1, 3, 1);
        m.add(0, 2, 5);
        assert_eq!(m.get(1, 3), 3);
        assert_eq!(m.get(3, 1), 3);
        assert_eq!(m.get(2, 2), 0);
        assert_eq!(m.nonzero(), vec![(0, 2, 5), (1, 3, 3)]);
        assert_eq!(m.replace(2, 0, 9), 5);
        assert_eq!(m.get(0, 2), 9);
        let mut other = SymMatrix::new(4);
        other.add(2, 0, 1);
        other.add(1, 2, 4);
        m.merge(&other);
        assert_eq!(m.nonzero(), vec![(0, 2, 10), (1, 2, 4), (1, 3, 3)]);
    }
}
