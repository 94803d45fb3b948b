import { createServer, IncomingMessage, ServerResponse } from "http";
import { formatUptime } from "./uptime";

const port = Number(process.env.PORT ?? 18007);

function handler(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ status: "ok", uptime: formatUptime(process.uptime()) }));
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
}

createServer(handler).listen(port, "0.0.0.0", () => {
  console.log(`uptime-ts listening on ${port}`);
});
