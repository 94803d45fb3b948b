import os

from flask import Flask, jsonify, render_template

app = Flask(__name__)

BOOKS = [
    {"title": "The Shipwright's Handbook", "year": 1911},
    {"title": "Launching Ways and Slipways", "year": 1954},
]


@app.route("/")
def index():
    return render_template("index.html", books=BOOKS)


@app.route("/api/books")
def books():
    return jsonify(BOOKS)


@app.route("/healthz")
def healthz():
    return "ok\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "18008")))
