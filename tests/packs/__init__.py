"""Tests of the packs plugin."""
