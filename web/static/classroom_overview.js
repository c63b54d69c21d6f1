// The teacher starts a round from the overview.
"use strict";

Klas.byId("new-round").addEventListener("submit", async (event) => {
  event.preventDefault();
  Klas.byId("new-round-error").textContent = "";
  try {
    const round = await Klas.post("/api/rounds", {
      group_id: Number(Klas.byId("round-group").value),
      scenario_id: Klas.byId("round-scenario").value,
      customer_mode: Klas.byId("round-customer").value,
    });
    window.location.assign(`/klas/ronde/${round.id}`);
  } catch (error) {
    Klas.byId("new-round-error").textContent = error.message || "De les kon niet starten. Probeer het opnieuw.";
  }
});
