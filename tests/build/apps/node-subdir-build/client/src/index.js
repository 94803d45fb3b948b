async function refresh() {
  const res = await fetch("/api/status");
  const body = await res.json();
  document.querySelector("#status").textContent = `dashboard status: ${body.status} since ${body.started}`;
}
refresh();
