"""Handoffs between organisations: transfers of regie, referrals and requests for a case."""

from flask import Blueprint

bp = Blueprint("handoffs", __name__)
