//! Magic account apps: `/accounts/{account_id}/magic/apps…`.

use crate::client::id;
use crate::envelope::finish;
use crate::types::{MagicAccountApp, MagicApp, MagicAppCreate, MagicAppUpdate};
use crate::{Client, Result};

impl Client {
    /// Lists an account's apps, custom and Cloudflare-managed
    /// (`GET /accounts/{account_id}/magic/apps`).
    pub async fn magic_apps_list(&self, account_id: &str) -> Result<Vec<MagicApp>> {
        let account_id = id("account_id", account_id)?;
        let raw = self.raw();
        let sent = raw.magic_apps_list(&account_id).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Creates a custom app (`POST /accounts/{account_id}/magic/apps`).
    pub async fn magic_apps_create(&self, account_id: &str, app: &MagicAppCreate) -> Result<MagicAccountApp> {
        let account_id = id("account_id", account_id)?;
        let raw = self.raw();
        let sent = raw.magic_apps_create(&account_id, app).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Updates a custom app
    /// (`PUT /accounts/{account_id}/magic/apps/{account_app_id}`).
    pub async fn magic_apps_update(
        &self,
        account_id: &str,
        account_app_id: &str,
        app: &MagicAppUpdate,
    ) -> Result<MagicAccountApp> {
        let (account_id, app_id) = (id("account_id", account_id)?, id("account_app_id", account_app_id)?);
        let raw = self.raw();
        let sent = raw.magic_apps_update(&account_id, &app_id, app).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Changes only the fields set in `app`
    /// (`PATCH /accounts/{account_id}/magic/apps/{account_app_id}`).
    pub async fn magic_apps_patch(
        &self,
        account_id: &str,
        account_app_id: &str,
        app: &MagicAppUpdate,
    ) -> Result<MagicAccountApp> {
        let (account_id, app_id) = (id("account_id", account_id)?, id("account_app_id", account_app_id)?);
        let raw = self.raw();
        let sent = raw.magic_apps_patch(&account_id, &app_id, app).await;
        Ok(finish(&raw, sent).await?.result)
    }

    /// Deletes a custom app
    /// (`DELETE /accounts/{account_id}/magic/apps/{account_app_id}`); returns it.
    pub async fn magic_apps_delete(&self, account_id: &str, account_app_id: &str) -> Result<MagicAccountApp> {
        let (account_id, app_id) = (id("account_id", account_id)?, id("account_app_id", account_app_id)?);
        let raw = self.raw();
        let sent = raw.magic_apps_delete(&account_id, &app_id).await;
        Ok(finish(&raw, sent).await?.result)
    }
}
