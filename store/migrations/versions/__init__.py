"""The ordered migrations; append new ones, never edit old ones."""
