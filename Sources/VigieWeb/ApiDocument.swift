/// The OpenAPI 3 description of the partners' API, served at /api/openapi.json; `ApiTests` checks
/// it against the routes and the answers they give.
enum ApiDocument {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Vigie — API des partenaires",
    "version": "1",
    "description": "Dépôt de fichiers et lecture des comptes rendus par le système d'un partenaire. Jeton : vigie token add --partner P (en-tête Authorization: Bearer <jeton>). Un jeton n'ouvre que les flux et les dépôts de son partenaire."
  },
  "servers": [{ "url": "/" }],
  "security": [{ "jeton": [] }],
  "components": {
    "securitySchemes": {
      "jeton": { "type": "http", "scheme": "bearer", "description": "64 caractères hexadécimaux, donnés une fois par vigie token add." }
    },
    "schemas": {
      "Erreur": {
        "type": "object", "required": ["erreur"], "additionalProperties": false,
        "properties": { "erreur": { "type": "string", "description": "Ce qui ne va pas et quoi faire, en français." } }
      },
      "Rejet": {
        "type": "object", "required": ["raison"], "additionalProperties": false,
        "properties": {
          "ligne": { "type": "integer" }, "colonne": { "type": "string" }, "valeur": { "type": "string" }, "raison": { "type": "string" }
        }
      },
      "Depot": {
        "type": "object", "additionalProperties": false,
        "required": ["fichier", "flux", "etat", "periodes", "lignes_lues", "lignes_chargees", "lignes_rejetees"],
        "properties": {
          "depot": { "type": "integer", "description": "Numéro du dépôt (absent quand rien n'a été enregistré)." },
          "fichier": { "type": "string" },
          "flux": { "type": "string" },
          "etat": { "type": "string", "description": "chargé, refusé, remplacé…" },
          "recu_le": { "type": "string" },
          "periodes": { "type": "array", "items": { "type": "string" } },
          "lignes_lues": { "type": "integer" },
          "lignes_chargees": { "type": "integer" },
          "lignes_rejetees": { "type": "integer" },
          "rejets": { "type": "array", "items": { "$ref": "#/components/schemas/Rejet" } },
          "message": { "type": "string" }
        }
      },
      "PageDeDepots": {
        "type": "object", "required": ["total", "page", "pages", "depots"], "additionalProperties": false,
        "properties": {
          "total": { "type": "integer" }, "page": { "type": "integer" }, "pages": { "type": "integer" },
          "depots": { "type": "array", "items": { "$ref": "#/components/schemas/Depot" } }
        }
      }
    },
    "responses": {
      "NonAutorise": { "description": "Jeton absent, inconnu ou révoqué.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } },
      "Inconnu": { "description": "Dépôt inconnu, ou d'un autre partenaire.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } },
      "Refuse": { "description": "Demande incorrecte : rien n'a été enregistré.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } }
    }
  },
  "paths": {
    "/api/depots": {
      "post": {
        "summary": "Déposer un fichier pour l'un de ses flux",
        "operationId": "deposer",
        "parameters": [
          { "name": "flux", "in": "query", "required": true, "schema": { "type": "string" }, "description": "Identifiant du flux (partners.yaml)." },
          { "name": "nom", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 200 }, "description": "Nom du fichier." }
        ],
        "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
        "responses": {
          "201": { "description": "Chargé.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Depot" } } } },
          "200": { "description": "Déjà chargé, ou refusé (le compte rendu dit pourquoi).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Depot" } } } },
          "400": { "$ref": "#/components/responses/Refuse" },
          "401": { "$ref": "#/components/responses/NonAutorise" },
          "413": { "description": "Fichier trop gros.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } },
          "422": { "description": "Fichier non chargé.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } },
          "429": { "description": "Trop de fichiers en une minute (web: files_per_minute) : rien n'a été enregistré.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } }
        }
      },
      "get": {
        "summary": "Ses dépôts, du plus récent au plus ancien, 50 par page",
        "operationId": "depots",
        "parameters": [ { "name": "page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 100000 } } ],
        "responses": {
          "200": { "description": "Une page de dépôts.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PageDeDepots" } } } },
          "400": { "$ref": "#/components/responses/Refuse" },
          "401": { "$ref": "#/components/responses/NonAutorise" }
        }
      }
    },
    "/api/depots/{id}": {
      "get": {
        "summary": "Le compte rendu d'un de ses dépôts, avec les lignes rejetées",
        "operationId": "depot",
        "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
        "responses": {
          "200": { "description": "Le dépôt.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Depot" } } } },
          "401": { "$ref": "#/components/responses/NonAutorise" },
          "404": { "$ref": "#/components/responses/Inconnu" }
        }
      }
    }
  }
}
"""#
}
