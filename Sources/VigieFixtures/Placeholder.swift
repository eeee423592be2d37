// placeholder: replaced while issue 2 is built
