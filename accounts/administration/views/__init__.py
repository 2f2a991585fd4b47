"""Views of « ÉduConnect - Administration des comptes », one module per concern."""
