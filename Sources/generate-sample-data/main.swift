print("temporary")
