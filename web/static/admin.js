// Admin page: create users and groups through the JSON API.
"use strict";

async function send(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw data.error;
  return data;
}

function handle(formId, toRequest) {
  document.getElementById(formId).addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(event.target));
    try {
      const [url, body] = toRequest(fields);
      await send(url, body);
      window.location.reload();
    } catch (error) {
      document.getElementById("admin-status").textContent = error.message;
    }
  });
}

handle("new-user", (f) => ["/api/admin/users", { username: f.username, password: f.password, role: f.role, display_name: f.display_name || null }]);
handle("new-group", (f) => ["/api/admin/groups", { name: f.name }]);
handle("add-member", (f) => [`/api/admin/groups/${f.group}/members`, { username: f.username }]);
