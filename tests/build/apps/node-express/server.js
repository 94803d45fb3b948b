const express = require("express");
const path = require("path");

const app = express();
app.use(express.json());
app.use(express.static(path.join(__dirname, "public")));

const todos = [{ id: 1, title: "ship the slipway", done: false }];

app.get("/healthz", (req, res) => res.type("text").send("ok"));
app.get("/api/todos", (req, res) => res.json(todos));
app.post("/api/todos", (req, res) => {
  const todo = { id: todos.length + 1, title: String(req.body.title || ""), done: false };
  todos.push(todo);
  res.status(201).json(todo);
});

const port = Number(process.env.PORT || 18004);
app.listen(port, "0.0.0.0", () => console.log(`todo-api listening on ${port}`));
