"""govai"""
