import express from "express";
import { books, unread } from "./books";

const port = Number(process.env.PORT ?? 3000);
const app = express();

// Orchestrators (and the course's checks) ask this route whether the service is alive.
app.get("/health", (_req, res) => {
  res.json({ status: "ok", service: "shelf", node: process.version });
});

app.get("/books", (req, res) => {
  res.json("unread" in req.query ? unread(books) : books);
});

app.listen(port, () => {
  console.log(`shelf listening on port ${port}`);
});
