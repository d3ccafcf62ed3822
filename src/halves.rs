//! Work on many items split in two halves, one on another thread: rendering a large template's
//! files and writing them. Nothing passes between the threads until both halves are done (no
//! per-item hand-off, so no wake-ups), and each thread frees what it allocated.

/// Fewest items split in two: below, starting a thread costs about what it saves.
pub const FROM: usize = 64;

/// `work` on the first half of `items` on this thread while another thread works on the second
/// half; the results in order (one result when `items` are fewer than [`FROM`] or the machine
/// has one core, and `work` then runs on all of them here). The error returned is the first in
/// the items' order: the first half's, else the second's.
pub fn each<T: Sync, R: Send, E: Send>(
    items: &[T],
    work: impl Fn(&[T]) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || items.len() < FROM {
        return Ok(vec![work(items)?]);
    }
    let (first, second) = items.split_at(items.len() / 2);
    let work = &work;
    std::thread::scope(|scope| {
        let other = scope.spawn(move || work(second));
        let mine = work(first);
        // The other thread cannot fail but by a bug: its half is then worked on here.
        let theirs = other.join().unwrap_or_else(|_| work(second));
        Ok(vec![mine?, theirs?])
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_on_once_in_order() {
        for len in [0, 1, FROM - 1, FROM, 1_001] {
            let items: Vec<usize> = (0..len).collect();
            let parts = each(&items, |part| Ok::<_, ()>(part.to_vec())).unwrap();
            assert_eq!(parts.concat(), items, "{len}");
            let split = len >= FROM && std::thread::available_parallelism().unwrap().get() > 1;
            assert_eq!(parts.len(), if split { 2 } else { 1 }, "{len}");
        }
    }

    #[test]
    fn the_first_error_in_order_is_returned() {
        let items: Vec<usize> = (0..200).collect();
        let failing = |bad: &'static [usize]| {
            move |part: &[usize]| match part.iter().find(|n| bad.contains(n)) {
                Some(n) => Err(*n),
                None => Ok(()),
            }
        };
        for _ in 0..20 {
            assert_eq!(each(&items, failing(&[30, 170])), Err(30));
            assert_eq!(each(&items, failing(&[170])), Err(170));
        }
    }
}
