// Serves the built front end from dist/ with node's own http module.
const http = require("http");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "dist");
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

http
  .createServer((req, res) => {
    if (req.url === "/healthz") {
      res.end("ok\n");
      return;
    }
    const rel = req.url === "/" ? "index.html" : path.normalize(req.url).replace(/^\/+/, "");
    const file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end("not found\n");
        return;
      }
      res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
      res.end(data);
    });
  })
  .listen(18005, "0.0.0.0", () => console.log("counter-app on :18005"));
