import express from "express";
import { z } from "zod";
import { encode } from "./codes";

const port = Number(process.env.PORT ?? 3000);
const links = new Map<string, string>();
const NewLink = z.object({ url: z.string().url() });

const app = express();
app.use(express.json({ limit: "4kb" }));

// Orchestrators (and the course's checks) ask this route whether the service is alive.
app.get("/health", (_req, res) => {
  res.json({ status: "ok", service: "shortlinks", links: links.size });
});

app.post("/links", (req, res) => {
  const parsed = NewLink.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: "send JSON like {\"url\": \"https://example.com\"}" });
    return;
  }
  const code = encode(links.size + 1);
  links.set(code, parsed.data.url);
  res.status(201).json({ code, url: parsed.data.url });
});

app.get("/:code", (req, res) => {
  const url = links.get(req.params.code);
  if (url) res.redirect(302, url);
  else res.status(404).json({ error: "no such link" });
});

app.listen(port, () => {
  console.log(`shortlinks listening on port ${port}`);
});
