// Admin page: users and groups through the JSON API (every change is audited server-side).
"use strict";

async function send(method, url, body) {
  const response = await fetch(url, {
    method, headers: csrfHeaders({ "Content-Type": "application/json" }), body: body ? JSON.stringify(body) : undefined,
  });
  if (response.ok) return;
  let error = { message: "Er ging iets mis. Probeer het opnieuw." };
  try { error = (await response.json()).error || error; } catch (_) { /* not JSON */ }
  throw error;
}

function handle(formId, toRequest) {
  document.getElementById(formId).addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(event.target));
    try {
      await send(...toRequest(fields));
      window.location.reload();
    } catch (error) {
      document.getElementById("admin-status").textContent = error.message;
    }
  });
}

const user = (name) => `/api/admin/users/${encodeURIComponent(name)}`;

handle("new-user", (f) => ["POST", "/api/admin/users", { username: f.username, password: f.password, role: f.role, display_name: f.display_name || null }]);
handle("change-user", (f) => ({
  role: ["PATCH", user(f.username), { role: f.role }],
  password: ["POST", `${user(f.username)}/password`, { password: f.password }],
  deactivate: ["POST", `${user(f.username)}/deactivate`],
  activate: ["POST", `${user(f.username)}/activate`],
}[f.action]));
handle("new-group", (f) => ["POST", "/api/admin/groups", { name: f.name }]);
handle("add-member", (f) => ["POST", `/api/admin/groups/${f.group}/members`, { username: f.username }]);
handle("remove-member", (f) => ["DELETE", `/api/admin/groups/${f.group}/members/${encodeURIComponent(f.username)}`]);
