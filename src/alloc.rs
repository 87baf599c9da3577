//! The wasm build's global allocator: power-of-two size classes, one free list per class, fresh
//! blocks cut from pages that `memory.grow` appends. When a class's list is empty, a free block of
//! a larger class is split before new memory is taken, so the big buffers a long history leaves
//! behind (the response text, a regrown `Vec`) are reused for small allocations.
//!
//! Why not std's: on `wasm32-unknown-unknown` std ships dlmalloc, ~4.6 KB of wasm code (binning,
//! splitting, coalescing, trimming) for a heap that can never shrink anyway. The widget's
//! allocations are small and short-lived (strings, DOM handles, JSON nodes) or grow by doubling
//! (`Vec`, `String`), which is what power-of-two classes serve well: `alloc` and `dealloc` are a
//! few instructions, `realloc` within a class is free. The cost is internal waste (a 33-byte string
//! takes a 64-byte block), which the bench's wasm-memory figure shows.
//!
//! [`Heap`] is the plain logic, generic over where pages come from ([`Pages`]), so native tests run
//! it on a buffer; [`Global`] wraps it for `#[global_allocator]` with the wasm's linear memory.
//! The module is the crate's only `unsafe` code.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;

/// The smallest class is `2^MIN_CLASS` bytes: room for the free-list link.
const MIN_CLASS: usize = 3;
/// Blocks are aligned to their size up to this; stronger alignments are served by [`Heap::bump`]
/// and never recycled (nothing in the widget asks for them).
const MAX_CLASS_ALIGN: usize = 16;
/// Classes up to `2^31` bytes, more than a 32-bit address space can back.
const CLASSES: usize = 32;
/// A wasm page.
pub const PAGE: usize = 64 * 1024;

/// A source of fresh memory at the end of the address space.
pub trait Pages {
    /// Appends `n` pages; returns the address where they start, or `None` when memory is exhausted.
    fn grow(&mut self, n: usize) -> Option<usize>;
}

/// The allocator state: a free list per size class and the unused tail of the last pages.
pub struct Heap<P> {
    /// Head of each class's free list (0 = empty); a free block's first word links to the next.
    free: [usize; CLASSES],
    /// Next unused address and the end of the grown memory.
    next: usize,
    end: usize,
    pages: P,
}

/// The class serving `layout`: `2^class` is at least its size and its alignment.
fn class_of(layout: Layout) -> usize {
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

impl<P: Pages> Heap<P> {
    /// An empty heap taking pages from `pages`.
    pub const fn new(pages: P) -> Self {
        Heap {
            free: [0; CLASSES],
            next: 0,
            end: 0,
            pages,
        }
    }

    /// Takes `size` bytes aligned to `align` from the tail, growing memory when it runs out; 0 when
    /// memory is exhausted.
    fn bump(&mut self, size: usize, align: usize) -> usize {
        let fits = |next: usize, end: usize| {
            let start = next.checked_add(align - 1)? & !(align - 1);
            (start.checked_add(size)? <= end).then_some(start)
        };
        let start = match fits(self.next, self.end) {
            Some(start) => start,
            None => {
                let pages = (size + align).div_ceil(PAGE);
                let Some(at) = self.pages.grow(pages) else {
                    return 0;
                };
                if at != self.end {
                    // someone else grew memory in between: start over at the new pages
                    self.next = at;
                }
                self.end = at.saturating_add(pages * PAGE);
                let Some(start) = fits(self.next, self.end) else {
                    return 0;
                };
                start
            }
        };
        self.next = start + size;
        start
    }

    /// A block for `layout`, or null when memory is exhausted.
    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let class = class_of(layout);
        if class >= CLASSES {
            return ptr::null_mut();
        }
        let size = 1 << class;
        if layout.align() > MAX_CLASS_ALIGN {
            return self.bump(size, layout.align()) as *mut u8;
        }
        // the smallest class with a free block, from this one up (a plain loop: `Range::find`
        // compiles larger)
        let mut found = class;
        while found < CLASSES && self.free[found] == 0 {
            found += 1;
        }
        if found == CLASSES {
            return self.bump(size, size.min(MAX_CLASS_ALIGN)) as *mut u8;
        }
        let head = self.free[found];
        // SAFETY: `head` is a freed block of class `found`, at least a word long and aligned
        self.free[found] = unsafe { *(head as *const usize) };
        // a larger block is split: its first `size` bytes serve the request, and the rest is one
        // free block of each class in between (at offset 2^c, so each is aligned like a fresh one)
        for c in class..found {
            // SAFETY: the piece lies inside the block and is free
            unsafe { self.dealloc_class(head + (1 << c), c) };
        }
        head as *mut u8
    }

    /// Returns a block from [`Heap::alloc`] with the same `layout` to its class's free list.
    ///
    /// # Safety
    /// `block` came from this heap's `alloc` (or `realloc`) with `layout` and is not used again.
    pub unsafe fn dealloc(&mut self, block: *mut u8, layout: Layout) {
        if layout.align() > MAX_CLASS_ALIGN {
            return; // over-aligned blocks are not recycled (see MAX_CLASS_ALIGN)
        }
        // SAFETY: as the caller guarantees
        unsafe { self.dealloc_class(block as usize, class_of(layout)) };
    }

    /// Pushes the free block at `block` onto the list of `class`.
    ///
    /// # Safety
    /// `block` is `2^class` unused bytes of this heap, aligned like a block of that class.
    unsafe fn dealloc_class(&mut self, block: usize, class: usize) {
        // SAFETY: the block is ours, word-aligned and at least a word long (MIN_CLASS)
        unsafe { *(block as *mut usize) = self.free[class] };
        self.free[class] = block;
    }

    /// Resizes `block` (from `layout`) to `new_size`: in place when the class stays, else a new
    /// block with the contents copied; null (and `block` untouched) when memory is exhausted.
    ///
    /// # Safety
    /// As for [`Heap::dealloc`]; `new_size` rounded up to `layout.align()` does not overflow.
    pub unsafe fn realloc(&mut self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees the new layout is valid
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class_of(new) == class_of(layout) && layout.align() <= MAX_CLASS_ALIGN {
            return block;
        }
        let moved = self.alloc(new);
        if !moved.is_null() {
            // SAFETY: both blocks are ours, distinct, and at least this long
            unsafe {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
        }
        moved
    }
}

/// The wasm's linear memory as [`Pages`].
#[cfg(target_arch = "wasm32")]
pub struct LinearMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for LinearMemory {
    fn grow(&mut self, n: usize) -> Option<usize> {
        let before = core::arch::wasm32::memory_grow(0, n);
        (before != usize::MAX).then(|| before * PAGE)
    }
}

/// [`Heap`] as a `#[global_allocator]`. The wasm is single-threaded (no shared memory, no
/// workers run this module), so plain interior mutability is enough.
pub struct Global<P>(UnsafeCell<Heap<P>>);

// SAFETY: used only on single-threaded wasm32, where no two calls can overlap
unsafe impl<P> Sync for Global<P> {}

impl<P: Pages> Global<P> {
    /// A global allocator over `pages`.
    pub const fn new(pages: P) -> Self {
        Global(UnsafeCell::new(Heap::new(pages)))
    }
}

// SAFETY: blocks are disjoint (each is handed out once until freed), sized and aligned for their
// layout, and null is returned on exhaustion
unsafe impl<P: Pages> GlobalAlloc for Global<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded, and the allocator never re-enters itself
        unsafe { (*self.0.get()).alloc(layout) }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: as above; GlobalAlloc's contract is Heap::dealloc's
        unsafe { (*self.0.get()).dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above; GlobalAlloc's contract is Heap::realloc's
        unsafe { (*self.0.get()).realloc(block, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages from a fixed, page-aligned buffer, as memory.grow would hand them out.
    struct Arena {
        buf: Vec<u8>,
        used: usize,
        grows: usize,
    }

    impl Arena {
        fn new(pages: usize) -> Self {
            Arena {
                buf: vec![0; (pages + 1) * PAGE],
                used: 0,
                grows: 0,
            }
        }
        fn base(&self) -> usize {
            (self.buf.as_ptr() as usize).next_multiple_of(PAGE)
        }
    }

    impl Pages for Arena {
        fn grow(&mut self, n: usize) -> Option<usize> {
            if (self.used + n + 1) * PAGE > self.buf.len() {
                return None;
            }
            let at = self.base() + self.used * PAGE;
            self.used += n;
            self.grows += 1;
            Some(at)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_cover_size_and_alignment() {
        assert_eq!(class_of(layout(0, 1)), 3);
        assert_eq!(class_of(layout(1, 1)), 3);
        assert_eq!(class_of(layout(8, 8)), 3);
        assert_eq!(class_of(layout(9, 1)), 4);
        assert_eq!(class_of(layout(4, 16)), 4);
        assert_eq!(class_of(layout(1000, 8)), 10);
        assert_eq!(class_of(layout(1024, 8)), 10);
        assert_eq!(class_of(layout(1025, 8)), 11);
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_writable() {
        let mut heap = Heap::new(Arena::new(64));
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        for (i, (size, align)) in [(1, 1), (7, 4), (24, 8), (100, 16), (3000, 8), (70_000, 8)]
            .into_iter()
            .cycle()
            .take(60)
            .enumerate()
        {
            let p = heap.alloc(layout(size, align));
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0, "alignment of {size}/{align}");
            unsafe { ptr::write_bytes(p, i as u8, size) };
            blocks.push((p as usize, size));
        }
        let mut sorted = blocks.clone();
        sorted.sort();
        for w in sorted.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "overlap: {w:?}");
        }
        for (i, &(p, size)) in blocks.iter().enumerate() {
            let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
            assert!(
                bytes.iter().all(|&b| b == i as u8),
                "block {i} was overwritten"
            );
        }
    }

    #[test]
    fn freed_blocks_are_reused_by_their_class_only() {
        let mut heap = Heap::new(Arena::new(4));
        let a = heap.alloc(layout(20, 8));
        let b = heap.alloc(layout(40, 8));
        unsafe { heap.dealloc(a, layout(20, 8)) };
        assert_ne!(
            heap.alloc(layout(40, 8)),
            a,
            "a 32-byte block serves no 64-byte request"
        );
        assert_eq!(
            heap.alloc(layout(17, 8)),
            a,
            "the freed 32-byte block comes back"
        );
        unsafe { heap.dealloc(b, layout(40, 8)) };
        assert_eq!(heap.alloc(layout(64, 8)), b);
    }

    #[test]
    fn larger_free_blocks_are_split_before_memory_grows() {
        let mut heap = Heap::new(Arena::new(4));
        let big = heap.alloc(layout(1024, 8)) as usize;
        unsafe { heap.dealloc(big as *mut u8, layout(1024, 8)) };
        let mut got: Vec<usize> = [8, 8, 16, 32, 64, 128, 256, 512]
            .iter()
            .map(|&n| heap.alloc(layout(n, 8)) as usize)
            .collect();
        got.sort();
        // the first 8 bytes serve the request; the pieces 8, 16, ..., 512 fill the rest exactly
        assert_eq!(got, [0, 8, 16, 32, 64, 128, 256, 512].map(|o| big + o));
        assert_eq!(heap.pages.grows, 1);
    }

    #[test]
    fn realloc_keeps_contents_and_stays_within_a_class() {
        let mut heap = Heap::new(Arena::new(4));
        let p = heap.alloc(layout(5, 1));
        unsafe { ptr::copy_nonoverlapping(b"hello".as_ptr(), p, 5) };
        let same = unsafe { heap.realloc(p, layout(5, 1), 8) };
        assert_eq!(same, p, "5 and 8 bytes share the 8-byte class");
        let grown = unsafe { heap.realloc(same, layout(8, 1), 300) };
        assert_ne!(grown, p);
        assert_eq!(unsafe { std::slice::from_raw_parts(grown, 5) }, b"hello");
        assert_eq!(heap.alloc(layout(8, 1)), p, "the old block was freed");
    }

    #[test]
    fn memory_grows_by_whole_pages_and_exhaustion_is_null() {
        let mut heap = Heap::new(Arena::new(3));
        assert!(!heap.alloc(layout(PAGE, 8)).is_null());
        assert_eq!(heap.pages.grows, 1);
        assert!(
            !heap.alloc(layout(PAGE, 8)).is_null(),
            "fits the tail of the first grow"
        );
        assert_eq!(heap.pages.grows, 1);
        assert!(!heap.alloc(layout(10, 8)).is_null());
        assert_eq!(heap.pages.grows, 2);
        assert!(heap.alloc(layout(4 * PAGE, 8)).is_null());
        assert!(
            !heap.alloc(layout(10, 8)).is_null(),
            "still usable after a failure"
        );
    }

    #[test]
    fn over_aligned_requests_are_honoured() {
        let mut heap = Heap::new(Arena::new(4));
        let _ = heap.alloc(layout(3, 1));
        let p = heap.alloc(layout(40, 256));
        assert_eq!(p as usize % 256, 0);
        unsafe { heap.dealloc(p, layout(40, 256)) };
        assert_ne!(
            heap.alloc(layout(40, 8)),
            p,
            "over-aligned blocks are not recycled"
        );
    }
}
