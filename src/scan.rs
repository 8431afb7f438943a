//! The personal-data scanner: finds Chinese resident ID numbers, mobile numbers, bank card
//! numbers and e-mail addresses in files, masked and fingerprinted.
