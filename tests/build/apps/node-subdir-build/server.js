const express = require("express");
const path = require("path");

const app = express();
const started = new Date().toISOString();

app.get("/api/status", (req, res) => res.json({ status: "ok", started }));
app.use(express.static(path.join(__dirname, "client", "dist")));

app.listen(18006, "0.0.0.0", () => console.log("dashboard listening on 18006"));
