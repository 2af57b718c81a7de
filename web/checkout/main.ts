import './styles.css';
import type { CheckoutBootstrap } from '../../server/checkout/checkout-bootstrap';
import { mountCheckout } from './checkout-form';

// Matches BOOTSTRAP_ELEMENT_ID on the server; a string here keeps server code out of the bundle.
const data = document.getElementById('checkout-bootstrap')?.textContent;
const root = document.getElementById('checkout-root');
if (data && root) mountCheckout(root, JSON.parse(data) as CheckoutBootstrap);
