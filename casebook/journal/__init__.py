from flask import Blueprint

bp = Blueprint("journal", __name__)
