//! The wasm build's memory allocator: power-of-two size classes with one free list each.
//!
//! Replaces `std`'s dlmalloc (4.6 KB of code) with a few hundred bytes. Every block is a power of
//! two from 8 bytes up, carved at an address aligned to its own size, so any alignment up to the
//! block size holds. A freed block goes on its class's free list and is reused by the next request of
//! that class; blocks are never split or merged. The waste is under half of each block plus, per
//! class, blocks freed and not asked for again: the widget's allocations are small strings, vectors
//! and the transcript, so the heap stays a few megabytes even with 10,000 messages
//! (`cargo xtask bench`). The class and alignment arithmetic is plain code tested natively; the
//! allocator itself only exists on `wasm32`, single-threaded, where nothing can run concurrently.

/// The smallest block: 8 bytes (class 3), room for the free list's link.
pub const MIN_CLASS: u32 = 3;

/// The size class (log2 of the block size) serving `size` bytes at `align`.
pub fn class_of(size: usize, align: usize) -> u32 {
    let need = size.max(align).max(1 << MIN_CLASS);
    usize::BITS - (need - 1).leading_zeros()
}

/// `addr` rounded up to a multiple of `1 << class`.
pub fn align_up(addr: usize, class: u32) -> usize {
    let mask = (1usize << class) - 1;
    (addr + mask) & !mask
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{align_up, class_of};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;
    use core::ptr::null_mut;

    const PAGE: usize = 65536;

    struct Heap {
        /// One free list per class; a free block's first word is the next block's address.
        free: [usize; 32],
        /// The unused rest of the last page range taken from `memory.grow`.
        next: usize,
        end: usize,
    }

    struct Classes(UnsafeCell<Heap>);

    // SAFETY: wasm32-unknown-unknown without threads: one thread touches the heap.
    unsafe impl Sync for Classes {}

    #[global_allocator]
    static HEAP: Classes = Classes(UnsafeCell::new(Heap {
        free: [0; 32],
        next: 0,
        end: 0,
    }));

    impl Heap {
        /// A fresh block of `1 << class` bytes from the bump range, growing memory when needed.
        unsafe fn carve(&mut self, class: u32) -> *mut u8 {
            let size = 1usize << class;
            let mut at = align_up(self.next, class);
            if self.end < size || at > self.end - size {
                // Fresh pages start page-aligned; what was left of the old range is abandoned.
                let pages = size.div_ceil(PAGE);
                let old = core::arch::wasm32::memory_grow(0, pages);
                if old == usize::MAX {
                    return null_mut();
                }
                let start = old * PAGE;
                at = start;
                self.end = start + pages * PAGE;
            }
            self.next = at + size;
            at as *mut u8
        }
    }

    unsafe impl GlobalAlloc for Classes {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: single-threaded (see `Sync`), and no allocator call re-enters another.
            let heap = unsafe { &mut *self.0.get() };
            let class = class_of(layout.size(), layout.align());
            if class >= 32 {
                return null_mut();
            }
            let head = heap.free[class as usize];
            if head != 0 {
                // SAFETY: `head` is a freed block of this class; its first word is the link.
                heap.free[class as usize] = unsafe { *(head as *const usize) };
                return head as *mut u8;
            }
            unsafe { heap.carve(class) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let heap = unsafe { &mut *self.0.get() };
            let class = class_of(layout.size(), layout.align()) as usize;
            // SAFETY: `ptr` is a block of this class the caller no longer uses.
            unsafe { *(ptr as *mut usize) = heap.free[class] };
            heap.free[class] = ptr as usize;
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if class_of(new_size, layout.align()) == class_of(layout.size(), layout.align()) {
                return ptr;
            }
            // SAFETY: the caller guarantees `new_size` with this alignment is a valid layout.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            let new = unsafe { self.alloc(new_layout) };
            if !new.is_null() {
                // SAFETY: both blocks are at least min(old, new) bytes and do not overlap.
                unsafe {
                    core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_next_power_of_two_at_least_eight_bytes() {
        assert_eq!(class_of(1, 1), 3);
        assert_eq!(class_of(8, 1), 3);
        assert_eq!(class_of(9, 1), 4);
        assert_eq!(class_of(16, 8), 4);
        assert_eq!(class_of(17, 4), 5);
        assert_eq!(class_of(65536, 1), 16);
        assert_eq!(class_of(65537, 1), 17);
    }

    #[test]
    fn alignment_larger_than_the_size_picks_a_larger_class() {
        assert_eq!(class_of(4, 64), 6);
        assert_eq!(class_of(100, 256), 8);
    }

    #[test]
    fn blocks_are_aligned_to_their_class() {
        assert_eq!(align_up(0, 3), 0);
        assert_eq!(align_up(1, 3), 8);
        assert_eq!(align_up(65536 + 24, 5), 65536 + 32);
        for class in 3..20 {
            for addr in [1usize, 7, 4095, 65537, 1 << 20] {
                let a = align_up(addr, class);
                assert!(a >= addr && a.is_multiple_of(1 << class) && a - addr < (1 << class));
            }
        }
    }
}
