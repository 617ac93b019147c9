//! A browser for the dashboard: a cookie-keeping client that follows no redirects, posts forms with the
//! page's CSRF token, and signs staff in.

use super::TestApp;

/// The password `staff_user` gives every dashboard user.
pub const PASSWORD: &str = "correct horse battery staple";

/// A browser for the dashboard: keeps cookies, follows no redirects.
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
}

/// The value of the first `csrf_token` hidden input of a page.
pub fn csrf(page: &str) -> String {
    let needle = r#"name="csrf_token" value=""#;
    let at = page.find(needle).expect("a csrf_token input") + needle.len();
    page[at..].split('"').next().unwrap().to_string()
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            http: super::client().cookie_store(true).build().unwrap(),
            base: app.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String, Option<String>) {
        Self::answer(self.http.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
        Self::answer(self.http.post(format!("{}{path}", self.base)).form(form)).await
    }

    /// `post` with a form built up as owned pairs.
    pub async fn post_owned(
        &self,
        path: &str,
        form: &[(String, String)],
    ) -> (u16, String, Option<String>) {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(path, &form).await
    }

    /// (status, body, Location header)
    async fn answer(req: reqwest::RequestBuilder) -> (u16, String, Option<String>) {
        let r = req.send().await.unwrap();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        (r.status().as_u16(), r.text().await.unwrap(), location)
    }

    /// Posts a dashboard form with the CSRF token of the page at `from`.
    pub async fn submit(
        &self,
        from: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, String, Option<String>) {
        let (_, page, _) = self.get(from).await;
        let token = csrf(&page);
        let mut form = form.to_vec();
        form.push(("csrf_token", &token));
        self.post(path, &form).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> (u16, String, Option<String>) {
        self.submit(
            "/admin/login",
            "/admin/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// A browser signed in as `email` (303 asserted).
pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> Browser {
    let b = Browser::new(app);
    let (status, page, _) = b.sign_in(email, password).await;
    assert_eq!(status, 303, "{email} signs in: {page}");
    b
}

/// A new dashboard user with this role, signed in.
pub async fn staff(app: &TestApp, email: &str, role: &str) -> Browser {
    staff_user(app, email, role);
    signed_in(app, email, PASSWORD).await
}

/// Creates a dashboard user directly in the database.
pub fn staff_user(app: &TestApp, email: &str, role: &str) {
    let hash = assent::auth::password::hash(PASSWORD).unwrap();
    let now = assent::db::now();
    assent::db::models::admin_users::insert(
        &mut app.conn(),
        &assent::db::models::admin_users::NewAdminUser {
            email,
            role,
            password_hash: &hash,
            password_changed_at: now,
            created_at: now,
        },
    )
    .unwrap();
}

/// Sets the dashboard language a staff member chose (as their account page does).
pub fn staff_language(app: &TestApp, email: &str, lang: &str) {
    use assent::db::models::admin_users;
    let user = admin_users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap();
    admin_users::set_language(&mut app.conn(), user.id, Some(lang)).unwrap();
}
