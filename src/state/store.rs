//! [`Store`]: a value with change notification, the only reactive primitive of the widget.
//!
//! The session owns a `Store<ChatState>` and a `Store<Config>`; it writes them through
//! [`Store::update`], which notifies the subscribers once the write is over. The UI subscribes one
//! callback that schedules a render (coalescing many writes into one DOM update); everything it shows is
//! derived from the values at render time, so nothing is synchronised by hand. No browser types: tested
//! natively.
//!
//! The value sits behind an `Rc`: a render takes a [`Store::snapshot`] and holds no borrow while it
//! runs page code (a custom view may call the API from its `render`); a write during that time copies
//! the value instead of failing (`Rc::make_mut`), which only happens in that rare case.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

type Subscriber = Rc<dyn Fn()>;
type SubscriberList = RefCell<Vec<(u32, Subscriber)>>;

/// A value and the callbacks to run after it changes.
pub struct Store<T> {
    value: RefCell<Rc<T>>,
    subscribers: Rc<RefCell<Vec<(u32, Subscriber)>>>,
    next_id: Cell<u32>,
}

impl<T: Clone> Store<T> {
    /// A store holding `value`.
    pub fn new(value: T) -> Self {
        Store {
            value: RefCell::new(Rc::new(value)),
            subscribers: Rc::new(RefCell::new(Vec::new())),
            next_id: Cell::new(0),
        }
    }

    /// Reads the value (a short read: `f` must not write to this store).
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let value = self.snapshot();
        f(&value)
    }

    /// The current value, shared: holds no borrow, so writes may happen while it is alive.
    pub fn snapshot(&self) -> Rc<T> {
        self.value.borrow().clone()
    }

    /// Changes the value, then notifies the subscribers (after the borrow ends, so they may read it).
    pub fn update<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let r = self.update_quiet(f);
        self.notify();
        r
    }

    /// Changes the value without notifying (initial setup before anyone renders).
    pub fn update_quiet<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut slot = self.value.borrow_mut();
        // `Rc::make_mut` without its path for weak references (nothing downgrades a snapshot):
        // copy the value only while a snapshot shares it.
        if Rc::get_mut(&mut slot).is_none() {
            *slot = Rc::new(T::clone(&slot));
        }
        match Rc::get_mut(&mut slot) {
            Some(value) => f(value),
            None => unreachable!("a fresh Rc is unique"),
        }
    }

    /// Replaces the value and notifies.
    pub fn set(&self, value: T) {
        *self.value.borrow_mut() = Rc::new(value);
        self.notify();
    }

    /// Runs every subscriber.
    pub fn notify(&self) {
        notify_all(&self.subscribers);
    }

    /// Calls `f` after every change until the returned [`Subscription`] is dropped.
    pub fn subscribe(&self, f: Subscriber) -> Subscription {
        subscribe_to(&self.subscribers, &self.next_id, f)
    }

    /// A copy of the value.
    pub fn get(&self) -> T {
        (*self.snapshot()).clone()
    }
}

/// Runs every subscriber in `list`, from a copy of it (a subscriber may subscribe or unsubscribe).
/// Not generic: every store's `notify` shares it.
fn notify_all(list: &SubscriberList) {
    let mut subs: Vec<Subscriber> = Vec::new();
    for (_, s) in list.borrow().iter() {
        subs.push(s.clone());
    }
    for s in &subs {
        s();
    }
}

/// Adds `f` to `list` under the next id of `next_id`. Not generic: every store's `subscribe` shares it.
fn subscribe_to(list: &Rc<SubscriberList>, next_id: &Cell<u32>, f: Subscriber) -> Subscription {
    let id = next_id.get();
    next_id.set(id.wrapping_add(1));
    list.borrow_mut().push((id, f));
    Subscription {
        list: Rc::downgrade(list),
        id,
    }
}

/// Keeps a subscriber registered; dropping it unsubscribes.
pub struct Subscription {
    list: Weak<RefCell<Vec<(u32, Subscriber)>>>,
    id: u32,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(list) = self.list.upgrade() {
            list.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifies_after_writes_until_unsubscribed() {
        let store = Rc::new(Store::new(1));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sub = {
            let (store2, seen) = (store.clone(), seen.clone());
            store.subscribe(Rc::new(move || seen.borrow_mut().push(store2.get())))
        };
        store.update(|v| *v += 1);
        store.set(5);
        store.update_quiet(|v| *v = 9);
        assert_eq!(*seen.borrow(), vec![2, 5]);
        drop(sub);
        store.set(6);
        assert_eq!(*seen.borrow(), vec![2, 5]);
        assert_eq!(store.with(|v| *v), 6);
    }

    #[test]
    fn writes_while_a_snapshot_is_held_copy_instead_of_failing() {
        let store = Store::new(vec![1]);
        let held = store.snapshot();
        store.update(|v| v.push(2));
        assert_eq!(*held, vec![1]);
        assert_eq!(store.get(), vec![1, 2]);
    }

    #[test]
    fn a_subscriber_may_unsubscribe_another_while_notified() {
        let store = Store::new(0);
        let other: Rc<RefCell<Option<Subscription>>> = Rc::new(RefCell::new(None));
        let hits = Rc::new(Cell::new(0));
        let o = other.clone();
        let _a = store.subscribe(Rc::new(move || {
            o.borrow_mut().take();
        }));
        let h = hits.clone();
        *other.borrow_mut() = Some(store.subscribe(Rc::new(move || h.set(h.get() + 1))));
        store.set(1);
        store.set(2);
        // the second subscriber ran at most for the first notification's snapshot
        assert!(hits.get() <= 1);
    }
}
