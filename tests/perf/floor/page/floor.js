// Reports the first animation frame after the rows are in the DOM, as Ticketflow's queue does
// (QueueView.svelte: requestAnimationFrame, then the `ui_painted` command).
requestAnimationFrame(() => {
  const rows = document.querySelectorAll(".row").length;
  window.__TAURI_INTERNALS__.invoke("ui_painted", { view: "queue", rows });
});
