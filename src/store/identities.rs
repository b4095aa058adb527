//! The IAM inventory of every account, one each, in account order, and the Identity pane's
//! rows over them: each account's root account, then its users. Two accounts may have a
//! user of the same name; a row is named by its account and user.

use crate::domain::IdentityInventory;

/// One inventory per account, sorted by account ID; replaced whole when the account's
/// source reports again.
#[derive(Clone, Debug, Default)]
pub struct Identities {
    inventories: Vec<IdentityInventory>,
    /// The first row of each inventory (its root), and the number of rows at the end.
    starts: Vec<usize>,
}

/// A row of the Identity pane: an account's root or one of its users.
#[derive(Clone, Copy, Debug)]
pub enum IdentityRow<'a> {
    Root(&'a IdentityInventory),
    User(&'a IdentityInventory, &'a crate::domain::IamUser),
}

impl<'a> IdentityRow<'a> {
    pub fn inventory(&self) -> &'a IdentityInventory {
        match self {
            IdentityRow::Root(inv) | IdentityRow::User(inv, _) => inv,
        }
    }
}

impl Identities {
    /// The account's inventory, replacing the one it had.
    pub fn replace(&mut self, inventory: IdentityInventory) {
        match self
            .inventories
            .binary_search_by(|i| i.account_id.cmp(&inventory.account_id))
        {
            Ok(at) => {
                if let Some(slot) = self.inventories.get_mut(at) {
                    *slot = inventory;
                }
            }
            Err(at) => self.inventories.insert(at, inventory),
        }
        self.count_rows();
    }

    /// The inventory of `account`.
    pub fn get(&self, account: &str) -> Option<&IdentityInventory> {
        self.inventories
            .binary_search_by(|i| i.account_id.as_str().cmp(account))
            .ok()
            .and_then(|at| self.inventories.get(at))
    }

    /// Changes the inventory of `account` in place, if there is one; says whether there was.
    pub fn change(&mut self, account: &str, f: impl FnOnce(&mut IdentityInventory)) -> bool {
        let Ok(at) = self
            .inventories
            .binary_search_by(|i| i.account_id.as_str().cmp(account))
        else {
            return false;
        };
        if let Some(inventory) = self.inventories.get_mut(at) {
            f(inventory);
        }
        self.count_rows();
        true
    }

    /// Every inventory, in account order.
    pub fn iter(&self) -> std::slice::Iter<'_, IdentityInventory> {
        self.inventories.iter()
    }

    pub fn as_slice(&self) -> &[IdentityInventory] {
        &self.inventories
    }

    /// The first account's inventory: the only one of a single-account session.
    pub fn first(&self) -> Option<&IdentityInventory> {
        self.inventories.first()
    }

    pub fn is_empty(&self) -> bool {
        self.inventories.is_empty()
    }

    /// How many accounts have an inventory.
    pub fn accounts(&self) -> usize {
        self.inventories.len()
    }

    /// Users of every account.
    pub fn users(&self) -> usize {
        self.inventories.iter().map(|i| i.users.len()).sum()
    }

    /// Rows of the Identity pane: each account's root and users.
    pub fn rows(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Row `index` of the Identity pane.
    pub fn row(&self, index: usize) -> Option<IdentityRow<'_>> {
        // The last start is the end of the rows, not an inventory's first row.
        let starts = self.starts.get(..self.inventories.len())?;
        let at = starts
            .partition_point(|&start| start <= index)
            .checked_sub(1)?;
        let inventory = self.inventories.get(at)?;
        match index - starts.get(at)? {
            0 => Some(IdentityRow::Root(inventory)),
            n => inventory
                .users
                .get(n - 1)
                .map(|user| IdentityRow::User(inventory, user)),
        }
    }

    fn count_rows(&mut self) {
        self.starts.clear();
        self.starts.reserve(self.inventories.len() + 1);
        let mut start = 0;
        for inventory in &self.inventories {
            self.starts.push(start);
            start += inventory.users.len() + 1;
        }
        self.starts.push(start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::inventory;

    fn describe(row: Option<IdentityRow<'_>>) -> Option<String> {
        row.map(|row| match row {
            IdentityRow::Root(inv) => format!("{}/root", inv.account_id),
            IdentityRow::User(inv, user) => format!("{}/{}", inv.account_id, user.name()),
        })
    }

    #[test]
    fn rows_run_through_each_account_in_order_root_first() {
        let mut identities = Identities::default();
        assert_eq!(identities.rows(), 0);
        assert!(identities.row(0).is_none());
        identities.replace(inventory("222222222222", &["alice"]));
        identities.replace(inventory("111111111111", &["alice", "bob"]));
        assert_eq!(identities.rows(), 5);
        assert_eq!(identities.users(), 3);
        let rows: Vec<Option<String>> = (0..6).map(|i| describe(identities.row(i))).collect();
        assert_eq!(
            rows,
            [
                Some("111111111111/root".to_string()),
                Some("111111111111/alice".to_string()),
                Some("111111111111/bob".to_string()),
                Some("222222222222/root".to_string()),
                Some("222222222222/alice".to_string()),
                None,
            ]
        );
    }

    #[test]
    fn an_account_reporting_again_replaces_its_own_inventory_only() {
        let mut identities = Identities::default();
        identities.replace(inventory("111111111111", &["alice"]));
        identities.replace(inventory("222222222222", &["alice"]));
        identities.replace(inventory("111111111111", &["carol", "dave"]));
        assert_eq!(identities.accounts(), 2);
        assert_eq!(identities.rows(), 5);
        assert_eq!(
            identities.get("111111111111").map(|i| i.users.len()),
            Some(2)
        );
        assert_eq!(
            describe(identities.row(3)),
            Some("222222222222/root".to_string())
        );
        assert!(identities.get("333333333333").is_none());
    }
}
