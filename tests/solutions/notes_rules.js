// The notes contract's validation rules, shared by the two Node reference solutions
// (rest_node.js with Node's http module, express/app.js with Express): field name -> problem.
"use strict";

function problems(doc, partial) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { body: "must be a JSON object" };
  const fields = {};
  if (!partial || "title" in doc) {
    if (typeof doc.title !== "string" || doc.title.trim() === "") fields.title = "is required";
    else if (doc.title.length > 200) fields.title = "must be at most 200 characters";
  }
  if ("body" in doc && typeof doc.body !== "string") fields.body = "must be a string";
  if ("tags" in doc && !(Array.isArray(doc.tags) && doc.tags.every((t) => typeof t === "string")))
    fields.tags = "must be a list of strings";
  return fields;
}

module.exports = { problems };
